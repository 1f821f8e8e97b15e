import { sentences } from './fit.js';
import type { TextLimit } from './measure.js';

/** The part number X readers expect at the end of each post of a thread. */
const partLabel = (index: number, count: number): string => `${index}/${count}`;

/**
 * Splits a text into numbered parts that each fit the limit with their label ("\n\n2/3"); one that fits
 * as it is stays one part, unnumbered.
 * Parts break between paragraphs, else between sentences, else between words: never inside a
 * word or a web address. Returns undefined when a single word is too long for a part.
 */
export function splitThread(text: string, limit: TextLimit, locale: string): string[] | undefined {
  // A text that fits is one post, without a "1/1" that promises a thread.
  if (limit.measure(text) <= limit.max) return [text];
  const pieces = sentences(text, locale);
  // The label's width depends on the number of parts, so pack until the count is stable.
  for (let guess = 1; guess <= 1000; ) {
    const parts = pack(pieces, limit, (part) => `${part}\n\n${partLabel(guess, guess)}`);
    if (!parts) return undefined;
    if (String(parts.length).length <= String(guess).length) {
      return parts.map((part, index) => `${part}\n\n${partLabel(index + 1, parts.length)}`);
    }
    guess = parts.length;
  }
  return undefined;
}

/** Packs whole sentences into parts; a sentence too long for any part is packed word by word. */
function pack(sentences: string[], limit: TextLimit, labelled: (part: string) => string): string[] | undefined {
  const fits = (part: string) => limit.measure(labelled(part.trim())) <= limit.max;
  const parts: string[] = [];
  let current = '';
  const add = (piece: string): boolean => {
    if (fits(current + piece)) {
      current += piece;
      return true;
    }
    if (current.trim()) parts.push(current.trim());
    current = piece;
    return fits(piece);
  };
  for (const sentence of sentences) {
    if (fits(current + sentence) || fits(sentence)) {
      add(sentence);
      continue;
    }
    for (const word of sentence.split(/(?<=\s)(?=\S)/u)) if (!add(word)) return undefined;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
