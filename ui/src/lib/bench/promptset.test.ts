import { describe, expect, it } from 'vitest';
import { parseCsv, parseJsonl, parsePromptSet, templateVars } from './promptset';

describe('prompt sets', () => {
  it('reads JSONL objects, skipping blank lines and stringifying values', () => {
    const r = parseJsonl('{"topic":"tides","n":3}\n\n{"topic":"rain","tags":["a"],"x":null}\r\n');
    expect(r).toEqual({
      ok: true,
      rows: [
        { topic: 'tides', n: '3' },
        { topic: 'rain', tags: '["a"]', x: '' },
      ],
      columns: ['topic', 'n', 'tags', 'x'],
    });
  });

  it('names the bad JSONL line', () => {
    expect(parseJsonl('{"a":"1"}\n{oops')).toEqual({ ok: false, error: expect.stringContaining('Line 2 is not valid JSON') });
    expect(parseJsonl('["a"]')).toEqual({ ok: false, error: expect.stringContaining('Line 1 is not a JSON object') });
  });

  it('reads CSV with quotes, commas and newlines inside fields', () => {
    const r = parseCsv('topic, tone\n"tides, and moons",calm\n"two\nlines","say ""hi"""\n\n');
    expect(r).toEqual({
      ok: true,
      rows: [
        { topic: 'tides, and moons', tone: 'calm' },
        { topic: 'two\nlines', tone: 'say "hi"' },
      ],
      columns: ['topic', 'tone'],
    });
    expect(parseCsv('a,,b\n1,2,3')).toEqual({ ok: false, error: expect.stringContaining('empty column name') });
  });

  it('chooses the parser by extension, strips a BOM and refuses an empty set', () => {
    expect(parsePromptSet('/x/set.CSV', '\uFEFFtopic\ntides')).toMatchObject({ ok: true, rows: [{ topic: 'tides' }] });
    expect(parsePromptSet('/x/set.jsonl', '{"topic":"tides"}')).toMatchObject({ ok: true, rows: [{ topic: 'tides' }] });
    expect(parsePromptSet('/x/set.txt', '{"topic":"tides"}')).toMatchObject({ ok: true, rows: [{ topic: 'tides' }] });
    expect(parsePromptSet('/x/set.csv', 'topic\n')).toEqual({ ok: false, error: expect.stringContaining('no rows') });
  });

  it('finds the template variables', () => {
    expect(templateVars('Explain {{topic}} to a {{ audience }}; again {{topic}}. {{}} {notone} {{#each}}')).toEqual(['topic', 'audience']);
    expect(templateVars('{{été}} {{a.b-c_d}}')).toEqual(['été', 'a.b-c_d']);
  });
});
