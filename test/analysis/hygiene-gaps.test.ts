import { sanitizeMarkdown, sanitizeText } from '../../src/analysis/hygiene';

/** The gaps of security review 2026-12-04 §5, with the review's exact strings, and near-misses that must stay. */
describe('hygiene gaps (security review §5)', () => {
  const ZWJ = '\u200d';

  test.each([
    ['ping .@attacker', `ping .@${ZWJ}attacker`],
    ['/@attacker', `/@${ZWJ}attacker`],
    ['@@attacker', `@@${ZWJ}attacker`],
    ['`@attacker', `\`@${ZWJ}attacker`],
  ])('%s does not mention', (input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  test('e-mail addresses and team handles stay, inside and outside code', () => {
    expect(sanitizeText('mail ops@example.com or `a.b@corp.example`')).toBe('mail ops@example.com or `a.b@corp.example`');
    expect(sanitizeText('cc @self-healing-mlops/ml')).toBe('cc @self-healing-mlops/ml');
  });

  test('www. hosts do not link; allowlisted www hosts and mid-word www. stay', () => {
    expect(sanitizeText('visit www.evil-login.example/reset')).toBe('visit www[.]evil-login[.]example/reset');
    expect(sanitizeText('(www.evil.example)')).toBe('(www[.]evil[.]example)');
    expect(sanitizeText('see www.npmjs.com/package/x')).toBe('see www.npmjs.com/package/x');
    expect(sanitizeText('file foo.www.txt')).toBe('file foo.www.txt');
  });

  test('//host links do not link', () => {
    expect(sanitizeText('[here](//evil.example/login)')).toBe('here (//evil[.]example/login)');
    expect(sanitizeText('![x](//evil.example/p.png)')).toBe('x (//evil[.]example/p.png)');
    expect(sanitizeText('[ok](//github.com/acme/x)')).toBe('[ok](//github.com/acme/x)');
  });

  test('media and embedding HTML does not pass', () => {
    for (const input of [
      '<picture><source srcset="//evil.example/p.png">',
      '<video src="//evil.example/v.mp4" poster="//evil.example/p.png">',
      '<audio src=x>',
      '<object data=x>',
      '<embed src=x>',
      '<svg onload=x>',
      '<IMG SRC=x>',
      '<!DOCTYPE html>',
    ]) {
      expect(sanitizeText(input)).not.toMatch(/<[A-Za-z!]/);
    }
    expect(sanitizeText('a < b and x<3')).toBe('a < b and x<3');
  });

  test('[//]: # comment lines and link-reference definitions become visible text', () => {
    expect(sanitizeText('[//]: # (hidden text)')).toBe('\\[//]: # (hidden text)');
    expect(sanitizeText('  [x]: https://evil.example')).toBe('  \\[x]: hxxps://evil[.]example');
    expect(sanitizeText('see [1] and [a]: b mid-line')).toBe('see [1] and [a]: b mid-line');
  });

  test('a whole body keeps its <details> blocks, loses everything else, and a second pass changes nothing', () => {
    const body = '<details><summary>Could not read</summary>\n\n- <video src=x> @attacker www.evil.example\n\n</details>';
    const once = sanitizeMarkdown(body);
    expect(once).toBe(`<details><summary>Could not read</summary>\n\n- &lt;video src=x> @${ZWJ}attacker www[.]evil[.]example\n\n</details>`);
    expect(sanitizeMarkdown(once)).toBe(once);
    expect(sanitizeText('<details>')).toBe('&lt;details>');
  });
});
