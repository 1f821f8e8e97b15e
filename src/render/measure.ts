/** How a platform counts the length of a text, and the most it takes. */
export interface TextLimit {
  max: number;
  /** Shown in the preview: "weighted characters", "bytes". */
  unit: string;
  measure(text: string): number;
}

/** UTF-16 code units: what JavaScript's length counts, and TikTok's "runes"; never less than the characters a person sees. */
export const utf16Units = (text: string): number => text.length;
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
export const codePoints = (text: string): number => [...text].length;

export function limit(max: number, unit: string, measure: (text: string) => number): TextLimit {
  return { max, unit, measure };
}
