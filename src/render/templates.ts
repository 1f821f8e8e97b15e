import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import { InputError } from '../errors.js';

const noEscaping = { escape: (text: string) => text };

/** Fills a Mustache pattern without HTML escaping: posts are plain text. */
export function fill(pattern: string, view: object): string {
  return Mustache.render(pattern, view, {}, noEscaping);
}

export interface Template {
  /** Where it was found, for the preview and for messages. */
  file: string;
  source: string;
}

/**
 * The wording templates, looked up in the user's folder (config `templates`) before the built-in one.
 * For a platform and language the first that exists wins:
 * `<platform>/<lang>.mustache`, `<platform>/default.mustache`, `default/<lang>.mustache`, `default/default.mustache`.
 */
export class Templates {
  private readonly cache = new Map<string, Template>();
  constructor(readonly dirs: readonly string[]) {}

  find(name: string, language: string): Template {
    return this.first([`${name}/${language}`, `${name}/default`, `default/${language}`, 'default/default']);
  }

  /** A reminder before the event: `<platform>/reminder-<lang>`, `<platform>/reminder`, `default/reminder-<lang>`, `default/reminder`. */
  findReminder(name: string, language: string): Template {
    return this.first([`${name}/reminder-${language}`, `${name}/reminder`, `default/reminder-${language}`, 'default/reminder']);
  }

  /** How a post in several languages puts its sections together: `<name>/combined.mustache`, else `default/combined.mustache`. */
  layout(name: string): Template {
    return this.first([`${name}/combined`, 'default/combined']);
  }

  private first(candidates: string[]): Template {
    const key = candidates.join('|');
    const cached = this.cache.get(key);
    if (cached) return cached;
    for (const dir of this.dirs) {
      for (const candidate of candidates) {
        const file = join(dir, `${candidate}.mustache`);
        if (!existsSync(file)) continue;
        const template = { file, source: readFileSync(file, 'utf8') };
        this.cache.set(key, template);
        return template;
      }
    }
    throw new InputError({
      message: `no template found (looked for ${candidates.map((name) => `${name}.mustache`).join(', ')})`,
      fix: `add one of them to ${this.dirs[0]}`,
    });
  }

  /** Renders with partials from `partials/<name>.mustache`, then tidies blank lines left by empty sections. */
  render(template: Template, view: object): string {
    let text: string;
    try {
      text = Mustache.render(template.source, view, (name: string) => this.partial(name), noEscaping);
    } catch (error) {
      throw new InputError({ file: template.file, message: `the template cannot be read: ${(error as Error).message}`, fix: 'check that every {{#section}} has its {{/section}}' });
    }
    return tidy(text);
  }

  private partial(name: string): string {
    for (const dir of this.dirs) {
      const file = join(dir, 'partials', `${name}.mustache`);
      if (existsSync(file)) return readFileSync(file, 'utf8');
    }
    throw new InputError({ message: `the partial {{> ${name}}} does not exist`, fix: `add partials/${name}.mustache to ${this.dirs[0]}` });
  }
}

/** Trailing spaces go, runs of blank lines become one, and the text is trimmed. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
