import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './user-agent';

const CHROME_WINDOWS =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IOS =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const EDGE_WINDOWS = `${CHROME_WINDOWS} Edg/124.0.2478.51`;

describe('describeUserAgent', () => {
	it.each([
		['Chrome on Windows', CHROME_WINDOWS],
		['Safari on iOS', SAFARI_IOS],
		['Firefox on Linux', FIREFOX_LINUX],
		// Edge and Opera also say "Chrome/" and "Safari/": the more specific name must win.
		['Edge on Windows', EDGE_WINDOWS],
		['Opera on Windows', `${CHROME_WINDOWS} OPR/110.0.0.0`],
		[
			'Edge on Android',
			'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64'
		],
		// Android and ChromeOS user agents also say "Linux"; iOS ones also say "Mac OS X".
		[
			'Chrome on Android',
			'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36'
		],
		[
			'Chrome on ChromeOS',
			'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
		],
		[
			'Chrome on iOS',
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1'
		],
		[
			'Firefox on iOS',
			'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15'
		],
		[
			'Safari on macOS',
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
		],
		['curl', 'curl/8.5.0']
	])('names %s', (expected, userAgent) => {
		expect(describeUserAgent(userAgent)).toBe(expected);
	});

	it.each([
		['an empty string', ''],
		['a tool it does not know', 'python-requests/2.31.0'],
		['markup', '<script>alert(1)</script>']
	])('says "Unknown browser" for %s', (_label, userAgent) => {
		expect(describeUserAgent(userAgent)).toBe('Unknown browser');
	});

	it('names the system alone when the browser is unknown', () => {
		expect(describeUserAgent('SomeApp/1.0 (Windows NT 10.0; Win64; x64)')).toBe('Windows');
	});

	it('never repeats versions or other detail from the string', () => {
		for (const userAgent of [CHROME_WINDOWS, SAFARI_IOS, FIREFOX_LINUX, EDGE_WINDOWS]) {
			expect(describeUserAgent(userAgent)).toMatch(/^[A-Za-z]+ on [A-Za-z]+$/);
		}
	});
});
