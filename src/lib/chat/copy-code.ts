import type { Attachment } from 'svelte/attachments';

/**
 * Makes the Copy buttons of rendered code blocks work, and shows them (they stay hidden without
 * JavaScript, where they could do nothing). One listener for the whole answer: the buttons come
 * from the Markdown renderer, and the CSP allows no inline handlers anyway.
 */
export const copyCode: Attachment<HTMLElement> = (node) => {
	node.dataset.copy = 'on';
	const copy = async (event: MouseEvent) => {
		const button = event.target instanceof Element ? event.target.closest('.copy-code') : null;
		const code = button?.parentElement?.querySelector('code');
		if (!button || !code) return;
		try {
			await navigator.clipboard.writeText(code.textContent ?? '');
			button.textContent = 'Copied';
		} catch {
			// no clipboard (an insecure origin, a refused permission): select it for Ctrl+C
			getSelection()?.selectAllChildren(code);
			button.textContent = 'Selected: press Ctrl+C';
		}
		setTimeout(() => (button.textContent = 'Copy code'), 2000);
	};
	const onClick = (event: MouseEvent) => void copy(event);
	node.addEventListener('click', onClick);
	return () => node.removeEventListener('click', onClick);
};
