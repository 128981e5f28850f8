import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './server';

/*
 * The README's proxy configurations (docs/proxies/), run for real in front of Gatehouse and a
 * tiny app. Only what a test machine needs is changed: plain http on a loopback port instead of
 * TLS on 443, the example.test names, and the ports Gatehouse and the app got.
 */

const DOCS = path.resolve(import.meta.dirname, '../../docs/proxies');

/** The names the tests use for the README's auth.example.com and grafana.example.com. */
export const AUTH_HOST = 'auth.example.test';
export const APP_HOST = 'app.example.test';
/** A host the proxy serves like the app, but no app claims. */
export const UNCLAIMED_HOST = 'unclaimed.example.test';

export interface Ports {
	proxy: number;
	gatehouse: number;
	app: number;
}

export interface RunningProxy {
	stop(): Promise<void>;
	output(): string;
}

/** Answers every request with what it received, as JSON: method, URL and headers. */
export async function startEchoApp(): Promise<{ port: number; close(): Promise<void> }> {
	const server = http.createServer((request, response) => {
		response.setHeader('content-type', 'application/json');
		response.end(
			JSON.stringify({ method: request.method, url: request.url, headers: request.headers })
		);
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const upstreams = (text: string, ports: Ports) =>
	text
		.replaceAll('127.0.0.1:3000', `127.0.0.1:${ports.gatehouse}`)
		.replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.app}`);

export async function startNginx(dir: string, ports: Ports): Promise<RunningProxy> {
	const servers = upstreams(await fs.readFile(path.join(DOCS, 'nginx.conf'), 'utf8'), ports)
		.replaceAll('listen 443 ssl;', `listen 127.0.0.1:${ports.proxy};`)
		.replace(/^\s*ssl_certificate.*\n/gm, '')
		.replaceAll('server_name auth.example.com;', `server_name ${AUTH_HOST};`)
		.replaceAll('server_name grafana.example.com;', `server_name ${APP_HOST} ${UNCLAIMED_HOST};`);
	const temp = (name: string) => `${name} ${path.join(dir, name)};`;
	await fs.writeFile(
		path.join(dir, 'nginx.conf'),
		`daemon off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
	access_log off;
	${['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'].map(temp).join('\n\t')}
${servers}
}
`
	);
	return run('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {}, ports.proxy, () =>
		fs.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '')
	);
}

export async function startCaddy(dir: string, ports: Ports): Promise<RunningProxy> {
	const sites = upstreams(await fs.readFile(path.join(DOCS, 'Caddyfile'), 'utf8'), ports)
		.replace(/^auth\.example\.com \{/m, `http://${AUTH_HOST}:${ports.proxy} {`)
		.replace(
			/^grafana\.example\.com \{/m,
			`http://${APP_HOST}:${ports.proxy}, http://${UNCLAIMED_HOST}:${ports.proxy} {`
		);
	const file = path.join(dir, 'Caddyfile');
	await fs.writeFile(file, `{\n\tadmin off\n\tauto_https off\n}\n\n${sites}`);
	return run(
		'caddy',
		['run', '--config', file, '--adapter', 'caddyfile'],
		{ HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
		ports.proxy
	);
}

async function run(
	command: string,
	args: string[],
	env: Record<string, string>,
	port: number,
	extraOutput: () => Promise<string> = async () => ''
): Promise<RunningProxy> {
	const child: ChildProcess = spawn(command, args, {
		env: { PATH: process.env.PATH ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const deadline = Date.now() + 15_000;
	while (!(await listening(port))) {
		if (child.exitCode !== null || Date.now() > deadline) {
			throw new Error(`${command} did not start:\n${output}\n${await extraOutput()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return {
		output: () => output,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}

function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
