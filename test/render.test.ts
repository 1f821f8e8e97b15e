import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { fitToLimit, shortenings } from '../src/render/fit.js';
import { limit } from '../src/render/measure.js';
import { Templates, tidy } from '../src/render/templates.js';
import { splitThread } from '../src/render/thread.js';
import { builtinTemplatesDir } from '../src/paths.js';
import { unwrapLines } from '../src/announcement/load.js';
import { writeFiles } from './helpers.js';

const weighted = limit(280, 'weighted characters', (text) => twitterText.parseTweet(text).weightedLength);
const label = /\n\n(\d+)\/(\d+)$/;

describe('the thread splitter', () => {
  const sentences = (count: number) => Array.from({ length: count }, (_, index) => `Šis ir teikums numur ${index + 1}, kas stāsta par semināru.`).join(' ');

  it('keeps a text that fits as one part, unnumbered', () => {
    expect(splitThread('Īss teksts.', weighted, 'lv')).toEqual(['Īss teksts.']);
  });

  it('packs whole sentences, numbers every part, and loses no word', () => {
    const text = sentences(25);
    const parts = splitThread(text, weighted, 'lv')!;
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, index) => {
      expect(weighted.measure(part)).toBeLessThanOrEqual(280);
      expect(part.match(label)!.slice(1)).toEqual([String(index + 1), String(parts.length)]);
      expect(part.replace(label, '')).toMatch(/semināru\.$/);
    });
    expect(parts.map((part) => part.replace(label, '')).join(' ')).toBe(text);
  });

  it('makes room for two-digit labels when there are ten parts or more', () => {
    const parts = splitThread(sentences(80), weighted, 'lv')!;
    expect(parts.length).toBeGreaterThanOrEqual(10);
    expect(parts.at(-1)).toMatch(new RegExp(`\\n\\n${parts.length}/${parts.length}$`));
    for (const part of parts) expect(weighted.measure(part)).toBeLessThanOrEqual(280);
  });

  it('splits a sentence too long for one part between words, never inside a web address', () => {
    const url = 'https://www.intelektaparks.lv/pasakumi/kapacitates-seminars?utm_source=x&utm_campaign=2027';
    const text = `${'vārds '.repeat(60)}${url} ${'vārds '.repeat(30)}beigas.`;
    const parts = splitThread(text, weighted, 'lv')!;
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.filter((part) => part.includes(url))).toHaveLength(1);
    for (const part of parts) {
      expect(weighted.measure(part)).toBeLessThanOrEqual(280);
      expect(part.replace(label, '')).toMatch(/^\S(.*\S)?$/s);
    }
    expect(parts.map((part) => part.replace(label, '')).join(' ')).toBe(text);
  });

  it('gives up on a single word longer than a post', () => {
    expect(splitThread('ā'.repeat(400), weighted, 'lv')).toBeUndefined();
  });
});

describe('shortening', () => {
  it('offers the whole text, then sentence cuts, then word cuts with an ellipsis', () => {
    expect(shortenings('Pirmais teikums. Otrais teikums ir garāks.', 'lv')).toEqual([
      'Pirmais teikums. Otrais teikums ir garāks.',
      'Pirmais teikums.',
      'Pirmais…',
      '',
    ]);
  });

  it('never leaves a dangling conjunction before the ellipsis', () => {
    const options = shortenings('Сотрудничество с самоуправлением и вовлечение волонтёров', 'ru', ['и', 'с']);
    expect(options).toContain('Сотрудничество с самоуправлением…');
    expect(options).not.toContain('Сотрудничество с самоуправлением и…');
    expect(options).not.toContain('Сотрудничество с…');
  });

  it('shortens the longest language first when several share a post', () => {
    const result = fitToLimit({
      texts: { lv: 'Īss.', ru: 'Длинный текст. Ещё одно предложение, которое не влезет.' },
      locales: { lv: 'lv', ru: 'ru' },
      hashtags: 2,
      limit: limit(40, 'characters', (text) => text.length),
      render: (texts, hashtags) => `${texts.lv} ${texts.ru} ${['#a', '#b'].slice(0, hashtags).join(' ')}`,
    });
    expect(result).toEqual({ text: 'Īss. Длинный текст. #a #b', length: 25, fits: true, shortened: ['ru'], droppedHashtags: 0 });
  });

  it('drops hashtags from the end only when no text can shrink further', () => {
    const result = fitToLimit({
      texts: { en: 'Hi.' },
      locales: { en: 'en' },
      hashtags: 3,
      limit: limit(7, 'characters', (text) => text.length),
      render: (texts, hashtags) => [texts.en, ...['#a', '#b', '#c'].slice(0, hashtags)].join(' ').trim(),
    });
    expect(result).toMatchObject({ text: '#a #b', fits: true, droppedHashtags: 1 });
  });
});

describe('text as written in YAML', () => {
  it('joins lines wrapped inside a paragraph, keeps paragraphs and list items', () => {
    expect(unwrapLines('Pirmā rinda\nturpinās.\n\nJauna rindkopa:\n- viens\n- divi\n1. trīs')).toBe('Pirmā rinda turpinās.\n\nJauna rindkopa:\n- viens\n- divi\n1. trīs');
  });
});

describe('template lookup', () => {
  it('prefers platform and language, then the platform, then the language, then the default', async () => {
    const dir = await writeFiles({
      'x/lv.mustache': 'x lv',
      'x/default.mustache': 'x default',
      'default/ru.mustache': 'default ru',
      'default/default.mustache': 'default default',
    });
    const templates = new Templates([dir]);
    expect(templates.find('x', 'lv').source).toBe('x lv');
    expect(templates.find('x', 'en').source).toBe('x default');
    expect(templates.find('facebook', 'ru').source).toBe('default ru');
    expect(templates.find('facebook', 'en').source).toBe('default default');
  });

  it('searches the officer’s folder before the built-in one, and reads partials from either', async () => {
    const dir = await writeFiles({ 'youtube/default.mustache': 'Mine:\n{{> details}}' });
    const templates = new Templates([dir, builtinTemplatesDir]);
    const template = templates.find('youtube', 'lv');
    expect(template.file.startsWith(dir)).toBe(true);
    expect(templates.render(template, { when: 'rīt', place: 'Daugavpilī' })).toBe('Mine:\n📅 rīt\n📍 Daugavpilī');
    expect(templates.find('instagram', 'lv').file.startsWith(builtinTemplatesDir)).toBe(true);
  });

  it('never escapes text as HTML, and tidies blank lines left by empty sections', async () => {
    const dir = await writeFiles({ 'default/default.mustache': '{{title}}\n\n{{#seats}}\n{{seats}}\n{{/seats}}\n\n\n{{text}}  \n' });
    const templates = new Templates([dir]);
    expect(templates.render(templates.find('x', 'lv'), { title: 'Biedrības “Intelekta parks” <seminārs> & kursi', seats: '', text: 'Teksts' })).toBe(
      'Biedrības “Intelekta parks” <seminārs> & kursi\n\nTeksts',
    );
    expect(tidy('a  \n\n\n\nb\n')).toBe('a\n\nb');
  });

  it('names the file of a template that cannot be read', async () => {
    const dir = await writeFiles({ 'default/default.mustache': '{{#open}} never closed' });
    const templates = new Templates([dir]);
    expect(() => templates.render(templates.find('x', 'lv'), {})).toThrow(/default\/default\.mustache: the template cannot be read: Unclosed section "open"/);
  });
});
