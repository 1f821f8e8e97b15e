import type { Language } from '../announcement/model.js';
import type { TextLimit } from './measure.js';

const ellipsis = '…';

/**
 * Shorter versions of a text, longest first: the whole text, then cut after a sentence, then
 * (within the first sentence) cut after a word with "…", then nothing. Cuts fall only on
 * whitespace, so a word or a web address is never split; a cut never leaves one of `noEndWords`
 * ("and", "и") hanging before the "…".
 */
export function shortenings(text: string, locale: string, noEndWords: readonly string[] = []): string[] {
  const weak = new Set(noEndWords.map((word) => word.toLocaleLowerCase(locale)));
  const options = [text];
  let end = 0;
  const sentenceEnds = sentences(text, locale).map((sentence) => (end += sentence.length));
  for (const sentenceEnd of sentenceEnds.slice(0, -1).reverse()) options.push(text.slice(0, sentenceEnd).trimEnd());
  const firstSentence = options.at(-1)!;
  for (const cut of whitespacePositions(firstSentence).reverse()) {
    const words = firstSentence.slice(0, cut).replace(/[\s,;:–—-]+$/u, '');
    const lastWord = words.slice(words.search(/\S+$/u)).toLocaleLowerCase(locale);
    if (words && !weak.has(lastWord)) options.push(words + ellipsis);
  }
  options.push('');
  return [...new Set(options)];
}

/**
 * The sentences of a text, each with the whitespace after it. A break Intl finds where no space
 * follows — the "?" of a web address's query, say — is not a sentence end.
 */
export function sentences(text: string, locale: string): string[] {
  const found: string[] = [];
  for (const { segment } of new Intl.Segmenter(locale, { granularity: 'sentence' }).segment(text)) {
    const previous = found.at(-1);
    if (previous !== undefined && !/\s$/u.test(previous)) found[found.length - 1] = previous + segment;
    else found.push(segment);
  }
  return found;
}

function whitespacePositions(text: string): number[] {
  const positions: number[] = [];
  for (const match of text.matchAll(/\s+/gu)) if (match.index > 0) positions.push(match.index);
  return positions;
}

export interface FitResult {
  text: string;
  length: number;
  fits: boolean;
  /** Languages whose text had to be shortened. */
  shortened: Language[];
  /** Hashtags left out to make room, from the end of the list. */
  droppedHashtags: number;
}

/**
 * Renders a post and, while it is over the limit, shortens the longest remaining language text by
 * one step; when no text can shrink further, drops hashtags from the end. Returns the first rendering
 * that fits, or the shortest one with `fits: false`.
 */
export function fitToLimit(options: {
  texts: Record<Language, string>;
  locales: Record<Language, string>;
  /** Per language, words a cut must not end on. */
  noEndWords?: Record<Language, readonly string[]>;
  hashtags: number;
  limit: TextLimit;
  render(texts: Record<Language, string>, hashtags: number): string;
}): FitResult {
  const { texts, limit, render } = options;
  const languages = Object.keys(texts);
  // Most posts fit at once; sentence segmentation is only worth its cost when one does not.
  const choices = new Map<Language, string[]>();
  const choicesOf = (language: Language) => {
    let list = choices.get(language);
    if (!list) choices.set(language, (list = shortenings(texts[language]!, options.locales[language]!, options.noEndWords?.[language])));
    return list;
  };
  const step = Object.fromEntries(languages.map((language) => [language, 0]));
  let hashtags = options.hashtags;
  for (;;) {
    const current = Object.fromEntries(languages.map((language) => [language, step[language] === 0 ? texts[language]! : choicesOf(language)[step[language]!]!]));
    const text = render(current, hashtags);
    const length = limit.measure(text);
    const result = { text, length, shortened: languages.filter((language) => step[language]! > 0), droppedHashtags: options.hashtags - hashtags };
    if (length <= limit.max) return { ...result, fits: true };
    const longest = languages
      .filter((language) => step[language]! < choicesOf(language).length - 1)
      .sort((a, b) => current[b]!.length - current[a]!.length)[0];
    if (longest !== undefined) step[longest]! += 1;
    else if (hashtags > 0) hashtags -= 1;
    else return { ...result, fits: false };
  }
}
