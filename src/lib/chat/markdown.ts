import MarkdownIt from 'markdown-it';

/**
 * Model answers as Markdown, the same on the server (pages without JavaScript) and in the
 * browser (while an answer streams in). The model's text is never trusted: raw HTML is off, so
 * `<img onerror=...>` stays text; links go only to web and mail addresses, open in a new tab
 * and tell the target nothing; images are off, so an answer cannot load anything.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.disable('image');

/** Stricter than markdown-it's own check, which lets `data:image/...` through. */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;
md.validateLink = (url) => SAFE_LINK.test(url.trim());

md.renderer.rules.link_open = (tokens, index, options, _env, renderer) => {
	const token = tokens[index];
	token?.attrSet('target', '_blank');
	token?.attrSet('rel', 'noopener noreferrer');
	return renderer.renderToken(tokens, index, options);
};

const fence = md.renderer.rules.fence;
/** Each code block gets a Copy button, shown only once the page's script can make it work. */
md.renderer.rules.fence = (tokens, index, options, env, renderer) =>
	'<div class="code-block"><button type="button" class="copy-code">Copy code</button>' +
	(fence?.(tokens, index, options, env, renderer) ?? '') +
	'</div>';

export function renderMarkdown(text: string): string {
	return md.render(text);
}
