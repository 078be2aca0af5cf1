import { describe, expect, it } from 'vitest';
import {
  checkLimit,
  parseEntryPlace,
  checkAuthor,
  checkContent,
  checkProjectId,
  checkStatus,
  checkTag,
  checkThreadId,
  MAX_CONTENT_BYTES,
  MAX_INT,
  parseThreadRef,
  slugify,
  utf8Length,
} from './names.js';

describe('slugify', () => {
  it('turns names into project ids', () => {
    expect(slugify('My App')).toBe('my-app');
    expect(slugify('  Café -- Déjà vu!! ')).toBe('cafe-deja-vu');
    expect(slugify('---')).toBe('');
    expect(slugify('a'.repeat(70) + ' b')).toHaveLength(64);
  });
});

describe('identifiers', () => {
  it('accepts the contract forms and rejects the rest with a message that says what to do', () => {
    expect(checkProjectId('my-app')).toBe('my-app');
    expect(() => checkProjectId('My App')).toThrow(/lower-case letters, digits and hyphens/);
    expect(() => checkProjectId('-x')).toThrow(/invalid project id/);
    expect(() => checkProjectId('a'.repeat(65))).toThrow(/invalid project id/);
    expect(checkThreadId('a'.repeat(128))).toHaveLength(128);
    expect(() => checkThreadId('a'.repeat(129))).toThrow(/invalid thread name/);
    expect(() => checkThreadId('Auth_Refactor')).toThrow(/e\.g\. auth-refactor/);
  });

  it('parses thread references', () => {
    expect(parseThreadRef('auth')).toEqual({ project: undefined, thread: 'auth' });
    expect(parseThreadRef('my-app/auth')).toEqual({ project: 'my-app', thread: 'auth' });
    expect(() => parseThreadRef('a/b/c')).toThrow(/'thread' or 'project\/thread'/);
    expect(() => parseThreadRef('My App/auth')).toThrow(/invalid project id/);
  });

  it('checks statuses, tags and authors', () => {
    expect(checkStatus('blocked')).toBe('blocked');
    expect(() => checkStatus('done')).toThrow(/active, archived, blocked/);
    expect(checkTag('#Decision')).toBe('decision');
    expect(() => checkTag('two words')).toThrow(/invalid tag/);
    expect(checkAuthor('  claude ')).toBe('claude');
    expect(() => checkAuthor('')).toThrow(/1-64 characters/);
    expect(() => checkAuthor('x'.repeat(65))).toThrow(/1-64 characters/);
    expect(() => checkAuthor('a\nb')).toThrow(/one line/);
  });
});

describe('content', () => {
  it('counts UTF-8 bytes like the encoder does', () => {
    for (const text of ['abc', 'é', '€', '😀', 'a😀é€\u{10ffff}', '\ud800 lone surrogate']) {
      expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('takes 1 to 100,000 bytes and refuses empty or larger content', () => {
    expect(checkContent('x')).toBe('x');
    expect(checkContent('é'.repeat(MAX_CONTENT_BYTES / 2))).toHaveLength(MAX_CONTENT_BYTES / 2);
    expect(() => checkContent('')).toThrow(/empty/);
    expect(() => checkContent(' \n\t')).toThrow(/empty/);
    expect(() => checkContent('é'.repeat(MAX_CONTENT_BYTES / 2) + 'x')).toThrow(
      /100001 bytes, over the limit/,
    );
  });
});

describe('entry places and limits', () => {
  it('reads an entry as the CLI prints it, and nothing else', () => {
    expect(parseEntryPlace('auth-refactor/3')).toEqual({
      project: undefined,
      thread: 'auth-refactor',
      seq: 3,
    });
    expect(parseEntryPlace('my-app/auth-refactor/3')).toEqual({
      project: 'my-app',
      thread: 'auth-refactor',
      seq: 3,
    });
    expect(parseEntryPlace('my-app/auth-refactor#0')).toEqual({
      project: 'my-app',
      thread: 'auth-refactor',
      seq: 0,
    });
    for (const ref of [
      'auth-refactor',
      'a/b/c/1',
      'auth/-1',
      'auth/1.5',
      'Auth/1',
      'auth/99999999999',
      '019ab2c4-7f4e',
    ]) {
      expect(parseEntryPlace(ref), ref).toBeUndefined();
    }
  });

  it('takes a limit as a whole number in range, and says the range', () => {
    expect(checkLimit('7', 20)).toBe(7);
    expect(() => checkLimit('21', 20)).toThrow("--limit must be a whole number from 1 to 20, not '21'");
    expect(() => checkLimit('0', MAX_INT)).toThrow("--limit must be a whole number 1 or more, not '0'");
    for (const bad of ['', ' ', '1e2', '2.0', '0x10', '-1'])
      expect(() => checkLimit(bad, 100), bad).toThrow(/whole number/);
  });
});
