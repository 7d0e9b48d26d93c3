/**
 * Words of goods descriptions, the same way for the HS texts and for a seller's product title: lower
 * case, hyphenated words joined (`T-shirts` → `tshirts`), possessives dropped (`women's` → `women`),
 * plurals folded (`batteries` → `battery`), grammar words and numbers left out.
 */

const STOPWORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'being',
  'but',
  'by',
  'etc',
  'for',
  'from',
  'has',
  'have',
  'in',
  'incl',
  'including',
  'into',
  'is',
  'it',
  'its',
  'kind',
  'nec',
  'not',
  'of',
  'on',
  'or',
  'other',
  'otherwise',
  'such',
  'than',
  'that',
  'the',
  'their',
  'them',
  'this',
  'those',
  'to',
  'used',
  'whether',
  'which',
  'with',
  'without',
]);

/** Folds a plural to its singular, conservatively (`boxes` → `box`, `shoes` → `shoe`, `glass` stays). */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(xes|ches|shes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Whether a text holds Chinese characters (then the keyword table segments it). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/**
 * The English words of a text, in order, stemmed, without stop words, single letters or bare numbers.
 *
 * @example englishTokens("Women's cotton T-shirts, 2 pcs") // ['women', 'cotton', 'tshirt', 'pc']
 */
export function englishTokens(text: string): string[] {
  const t = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/([a-z0-9])-(?=[a-z0-9])/g, '$1')
    .replace(/'/g, '');
  const out: string[] = [];
  for (const raw of t.split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw) || /^\d+$/.test(raw)) continue;
    out.push(stem(raw));
  }
  return out;
}

/** Words of an HS text that only refer to other parts of the nomenclature. */
const REFERENCE_WORDS = new Set(['heading', 'chapter', 'subheading', 'item', 'no']);

/**
 * The words of an HS description that say what the goods are: exclusions in brackets ("(other than
 * cotton)", "(excluding medicaments)") and cross-references ("n.e.c. in heading no. 6402") are left out,
 * so that a word the text excludes does not count for it.
 */
export function hsTextTokens(description: string): string[] {
  const text = description
    .replace(/\((?:excluding|other than|not |but not|except)[^)]*\)/gi, ' ')
    .replace(/\b(?:excluding|other than|except) [^,;()]*/gi, ' ')
    .replace(
      /\b(?:of|in) (?:heading|chapter|subheading|item)s?(?: no\.?)? [\d.]+(?: (?:to|or|and) [\d.]+)*/gi,
      ' ',
    );
  return englishTokens(text).filter((t) => !REFERENCE_WORDS.has(t));
}
