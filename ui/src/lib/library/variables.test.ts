import { describe, expect, it } from 'vitest';
import {
  addRow,
  fillTemplate,
  findVariables,
  parseDelimited,
  pasteRows,
  removeColumn,
  removeRow,
  rowAt,
  setCell,
  syncColumns,
  TemplateError,
} from './variables';

describe('variables', () => {
  it('finds each {{variable}} once, in order, across texts; spaces inside the braces allowed', () => {
    expect(findVariables('Translate {{text}} into {{ lang }}.', 'Again: {{text}}, {{tone_2}} {{été}}')).toEqual([
      'text',
      'lang',
      'tone_2',
      'été',
    ]);
    expect(findVariables('no {placeholders} here, {{ }}, {{-abc}}, {{.x}}, {{a b}}')).toEqual([]);
  });

  // The same names as the engine's `template.rs` tests: the two sides must agree on every one.
  it("follows the engine's rule: a leading digit, Unicode letters and marks, its white space", () => {
    expect(findVariables('Explain {{topic}} to a {{ audience }}; again {{topic}}. {{}} {notone} {{#each}}')).toEqual([
      'topic',
      'audience',
    ]);
    expect(findVariables('{{été}} {{a.b-c_d}}')).toEqual(['été', 'a.b-c_d']);
    expect(findVariables('{{1st}} {{ 2nd }} {{42}}')).toEqual(['1st', '2nd', '42']);
    // A Devanagari vowel sign is Alphabetic but not a letter (\p{L}).
    expect(findVariables('{{हिंदी}}')).toEqual(['हिंदी']);
    // U+3000 and U+00A0 are white space to Rust's trim; U+FEFF is not.
    expect(findVariables('{{\u3000x\u00a0}} {{\ufeffy}}')).toEqual(['x']);
    expect(findVariables('{{{x}}} {{ {{y}}')).toEqual(['x', 'y']);
  });

  it('fills a template from a row, and names the first unknown variable', () => {
    expect(fillTemplate('Translate {{text}} into {{ lang }}; {{text}}!', { text: 'cat', lang: 'French' })).toBe(
      'Translate cat into French; cat!',
    );
    // Replacement text is literal: no $-patterns, no second pass over inserted braces.
    expect(fillTemplate('{{a}}', { a: '$& {{b}}' })).toBe('$& {{b}}');
    expect(() => fillTemplate('{{a}} and {{city}}', { a: '1' })).toThrow(TemplateError);
    expect(() => fillTemplate('{{a}} and {{city}}', { a: '1' })).toThrow('unknown variable {{city}}: add a column named "city"');
    try {
      fillTemplate('{{toString}}', {});
    } catch (err) {
      expect((err as TemplateError).variable).toBe('toString');
    }
  });

  it('reads a row as a record', () => {
    const inputs = { columns: ['a', 'b'], rows: [['1', '2']] };
    expect(rowAt(inputs, 0)).toEqual({ a: '1', b: '2' });
    expect(rowAt(inputs, 1)).toBeUndefined();
  });
});

describe('the inputs table', () => {
  it('follows the variables: new columns added, cells kept by name, empty unused columns dropped', () => {
    const t = { columns: ['city', 'old'], rows: [['Paris', ''], ['Rome', '']] };
    expect(syncColumns(t, ['lang', 'city'])).toEqual({ columns: ['lang', 'city'], rows: [['', 'Paris'], ['', 'Rome']] });
    // Unchanged: the same object (no reactive churn).
    const same = { columns: ['a'], rows: [['x']] };
    expect(syncColumns(same, ['a'])).toBe(same);
  });

  it('keeps a column whose variable is gone while it has text', () => {
    const t = { columns: ['city'], rows: [['Paris']] };
    expect(syncColumns(t, ['town'])).toEqual({ columns: ['town', 'city'], rows: [['', 'Paris']] });
    expect(removeColumn({ columns: ['town', 'city'], rows: [['', 'Paris']] }, 1)).toEqual({ columns: ['town'], rows: [['']] });
  });

  it('adds, edits and removes rows without touching the input', () => {
    const t = { columns: ['a', 'b'], rows: [] as string[][] };
    const one = addRow(t);
    expect(one.rows).toEqual([['', '']]);
    expect(t.rows).toEqual([]);
    const edited = setCell(addRow(one), 1, 0, 'x');
    expect(edited.rows).toEqual([
      ['', ''],
      ['x', ''],
    ]);
    expect(removeRow(edited, 0).rows).toEqual([['x', '']]);
  });

  it('parses pasted CSV with quotes and TSV from a spreadsheet', () => {
    expect(parseDelimited('a,b\n"x, y","say ""hi"""\r\n\n"multi\nline",z')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
    ]);
    expect(parseDelimited('one\ttwo, three\nfour\tfive\n')).toEqual([
      ['one', 'two, three'],
      ['four', 'five'],
    ]);
  });

  it('appends pasted rows fitted to the columns, skipping a header line', () => {
    const t = { columns: ['text', 'lang'], rows: [['hello', 'French']] };
    expect(pasteRows(t, 'text,lang\ncat,German\ndog\nbird,Dutch,extra').rows).toEqual([
      ['hello', 'French'],
      ['cat', 'German'],
      ['dog', ''],
      ['bird', 'Dutch'],
    ]);
  });
});
