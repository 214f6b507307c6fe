import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Finds text a person would read that a page writes literally instead of taking from a catalogue:
 * JSX text, visible attributes (title, placeholder, aria-label, alt, label), text assigned to an
 * element, dialogs, sentence-shaped string literals anywhere in page code, and the HTML files' text.
 */

export interface Literal {
  file: string;
  line: number;
  text: string;
}

export const UI_ROOT = path.join(__dirname, '../../../admin-ui');
const SOURCE_ROOT = path.join(UI_ROOT, 'src');
/** The catalogues themselves, where the literals belong. */
const CATALOGUES = path.join(SOURCE_ROOT, 'i18n', 'messages');

const VISIBLE_ATTRIBUTES = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'aria-description', 'aria-roledescription']);
const VISIBLE_PROPERTIES = new Set(['textContent', 'innerText', 'title', 'placeholder', 'alt', 'label', 'ariaLabel']);
const DIALOGS = new Set(['alert', 'confirm', 'prompt']);
/** Text in any script a reader reads: Latin words or CJK characters. */
const WORDS = /[A-Za-z]{2}|[\u3400-\u9fff]/;
const CJK = /[\u3400-\u9fff]/;
/** A capitalised word followed by more words, or ending like a sentence: "Start session", "Live…". */
const SENTENCE = /^[A-Z][a-z’']+(?:[ ,:;.!?…—–-]+[A-Za-z0-9’'()]+)*[ .…!?:]*$/;
/**
 * Strings that look like words but are protocol or names, never shown as prose: the product's name,
 * HTTP header names, hls.js event names.
 */
const NOT_PROSE = new Set([
  'stagecast',
  'Content-Type',
  'Authorization',
  'Bearer',
  'Accept-Language',
  // KeyboardEvent.key values a page compares with (the console's shortcuts), never shown.
  'Enter',
  'Escape',
  // The media layer's default label of an on-site feed, which the console recognises to translate it.
  'On-site feed',
]);

function isProse(text: string, strict: boolean): boolean {
  const trimmed = text.trim();
  if (NOT_PROSE.has(trimmed) || !WORDS.test(trimmed)) return false;
  return strict || CJK.test(trimmed) || (SENTENCE.test(trimmed) && /[a-z]/.test(trimmed));
}

function walk(dir: string, extensions: string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== CATALOGUES) found.push(...walk(full, extensions));
    } else if (extensions.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts')) {
      found.push(full);
    }
  }
  return found;
}

/** String pieces of an expression (literals, template parts, both arms of a condition). */
function stringsIn(node: ts.Node): ts.Node[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node];
  if (ts.isTemplateExpression(node)) return [node];
  if (ts.isConditionalExpression(node)) return [...stringsIn(node.whenTrue), ...stringsIn(node.whenFalse)];
  if (ts.isBinaryExpression(node)) return [...stringsIn(node.left), ...stringsIn(node.right)];
  if (ts.isParenthesizedExpression(node)) return stringsIn(node.expression);
  return [];
}

function textOf(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
  if (ts.isJsxText(node)) return node.text;
  return '';
}

/** Calls whose arguments are for developers, not readers: errors, logs, selectors, DOM lookups. */
function isDeveloperText(node: ts.Node): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (ts.isNewExpression(parent) && /Error$/.test(parent.expression.getText())) return true;
    if (ts.isCallExpression(parent)) {
      const callee = parent.expression.getText();
      if (/^console\.|querySelector|getElementById|^element$|addEventListener|^import$|^new URL|^fetch$|\.get$|\.post$/.test(callee))
        return true;
    }
    if (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)) return true;
  }
  return false;
}

export function scriptLiterals(file: string): Literal[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: Literal[] = [];
  const report = (node: ts.Node, strict: boolean): void => {
    const text = textOf(node);
    if (isProse(text, strict) && !isDeveloperText(node)) {
      found.push({
        file: path.relative(UI_ROOT, file),
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        text: text.trim(),
      });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) report(node, true);
    else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const piece of stringsIn(node.expression)) report(piece, true);
    } else if (ts.isJsxAttribute(node) && VISIBLE_ATTRIBUTES.has(node.name.getText()) && node.initializer) {
      const value = ts.isJsxExpression(node.initializer) && node.initializer.expression ? node.initializer.expression : node.initializer;
      for (const piece of stringsIn(value)) report(piece, true);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      VISIBLE_PROPERTIES.has(node.left.name.text)
    ) {
      for (const piece of stringsIn(node.right)) report(piece, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression.getText();
      const [first, second] = node.arguments;
      if (DIALOGS.has(callee.replace(/^window\./, '')) && first) for (const piece of stringsIn(first)) report(piece, true);
      if (callee.endsWith('.setAttribute') && first && second && ts.isStringLiteral(first) && VISIBLE_ATTRIBUTES.has(first.text)) {
        for (const piece of stringsIn(second)) report(piece, true);
      }
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      report(node, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // The same node can be reached by two rules (a JSX attribute's literal); report it once.
  return found.filter((literal, i) => found.findIndex((o) => o.line === literal.line && o.text === literal.text) === i);
}

const HTML_ATTRIBUTE = /\s(title|placeholder|aria-label|alt|label)="([^"]*)"/g;

export function htmlLiterals(file: string): Literal[] {
  const html = readFileSync(file, 'utf8');
  const found: Literal[] = [];
  const lineOf = (index: number): number => html.slice(0, index).split('\n').length;
  // Scripts, styles and comments are not text; replaced by spaces so line numbers stay right.
  const blanked = html.replace(/<(script|style)[\s\S]*?<\/\1>|<!--[\s\S]*?-->/g, (whole) => whole.replace(/[^\n]/g, ' '));
  for (const match of blanked.matchAll(/>([^<]+)</g)) {
    if (isProse(match[1], true)) found.push({ file: path.relative(UI_ROOT, file), line: lineOf(match.index), text: match[1].trim() });
  }
  for (const match of blanked.matchAll(HTML_ATTRIBUTE)) {
    if (isProse(match[2], true))
      found.push({ file: path.relative(UI_ROOT, file), line: lineOf(match.index), text: `${match[1]}="${match[2]}"` });
  }
  return found;
}

/** Every literal in every page: the HTML files and the scripts under src/. */
export function pageLiterals(): Literal[] {
  const html = readdirSync(UI_ROOT)
    .filter((name) => name.endsWith('.html'))
    .map((name) => path.join(UI_ROOT, name));
  return [...html.flatMap(htmlLiterals), ...walk(SOURCE_ROOT, ['.ts', '.tsx']).flatMap(scriptLiterals)];
}
