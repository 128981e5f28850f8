import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
	it('renders headings, lists, emphasis, inline code and fenced code', () => {
		const html = renderMarkdown('# Plan\n\n- **one**\n- _two_ `x()`\n\n```js\nlet a = 1 < 2;\n```');
		expect(html).toContain('<h1>Plan</h1>');
		expect(html).toContain('<li><strong>one</strong></li>');
		expect(html).toContain('<em>two</em> <code>x()</code>');
		expect(html).toContain(
			'<div class="code-block"><button type="button" class="copy-code">Copy code</button>' +
				'<pre><code class="language-js">let a = 1 &lt; 2;\n</code></pre>\n</div>'
		);
	});

	it('keeps raw HTML as text', () => {
		const html = renderMarkdown('<img src=x onerror=alert(1)> and <script>alert(2)</script>');
		expect(html).not.toContain('<img');
		expect(html).not.toContain('<script');
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
	});

	it('opens web links in a new tab without telling the target anything', () => {
		expect(renderMarkdown('[docs](https://example.com/a) and https://example.org')).toBe(
			'<p><a href="https://example.com/a" target="_blank" rel="noopener noreferrer">docs</a>' +
				' and <a href="https://example.org" target="_blank" rel="noopener noreferrer">' +
				'https://example.org</a></p>\n'
		);
	});

	it.each([
		'[x](javascript:alert(1))',
		'[x](JaVaScRiPt:alert(1))',
		'[x](data:text/html,<script>alert(1)</script>)',
		'[x](data:image/png;base64,AAAA)',
		'[x](vbscript:msgbox)',
		'<javascript:alert(1)>'
	])('makes no link of %s', (source) => {
		expect(renderMarkdown(source)).not.toContain('<a ');
	});

	it('shows an image as a link to it, loading nothing', () => {
		const html = renderMarkdown('![x](https://tracker.example/pixel.png)');
		expect(html).not.toContain('<img');
		expect(html).toContain('<a href="https://tracker.example/pixel.png"');
	});
});
