// bench/js/readability.js - Mozilla's Readability.js over one page: the
// HTML on standard input, the article's text on standard output, as
// bench/extract-modern.sh runs each extractor.  EXTRACT_URL is the
// page's address.  `npm install` in this directory first.
'use strict';
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

// blocks end lines, as a browser lays them out (textContent would glue
// a heading to the paragraph after it)
const BLOCK = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR',
	'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2',
	'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'OL', 'P', 'PRE',
	'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL']);

function text(node, out) {
	if (node.nodeType === 3) {
		out.push(node.nodeValue);
		return;
	}
	if (node.nodeType !== 1)
		return;
	const block = BLOCK.has(node.tagName);
	if (block)
		out.push('\n');
	for (const c of node.childNodes)
		text(c, out);
	if (block)
		out.push('\n');
}

let html = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { html += d; });
process.stdin.on('end', () => {
	// no scripts run, nothing fetched: the page as it came
	const vc = new VirtualConsole();
	const dom = new JSDOM(html, {
		url: process.env.EXTRACT_URL || 'http://localhost/',
		virtualConsole: vc,
	});
	const art = new Readability(dom.window.document).parse();
	const out = [];
	if (art && art.content)
		text(new JSDOM(art.content, { virtualConsole: vc })
		    .window.document.body, out);
	process.stdout.write(out.join('').replace(/[ \t]+/g, ' ')
	    .replace(/ *\n[\s]*/g, (m) => (m.split('\n').length > 2 ?
	    '\n\n' : '\n')).trim() + '\n');
});
