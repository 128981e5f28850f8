import type { ActionFailure } from '@sveltejs/kit';
import type { AppRecord } from '../store';
import { AppTakenError, saveApp } from './apps';
import { invalidFor, readTextFields, type InvalidForm } from '../http/forms';
import { fieldErrors } from '../http/validation';
import {
	validateAccess,
	validateAppName,
	validateAppUrl,
	validateHost,
	validatePathPrefix,
	type AppInput
} from './app-fields';

const FIELDS = ['name', 'host', 'pathPrefix', 'url', 'access'] as const;

/**
 * The add and edit forms of an app: the app to save, or the refusal to return (named `app`, with
 * what was typed and the ticked groups as `groups`, comma-separated).
 */
export function readAppForm(
	form: FormData | null,
	own: URL
): { input: AppInput; refused?: undefined } | { refused: ActionFailure<InvalidForm> } {
	const { values, problem } = readTextFields(form, FIELDS);
	if (problem) return { refused: invalidFor('app', problem) };
	const groupIds = (form?.getAll('groups') ?? []).filter(
		(id): id is string => typeof id === 'string' && id !== ''
	);
	const refill = { ...values, groups: groupIds.join(',') };
	const checks = {
		name: validateAppName(values.name),
		host: validateHost(values.host),
		pathPrefix: validatePathPrefix(values.pathPrefix),
		access: validateAccess(values.access, groupIds)
	};
	// The portal links to the app itself unless told otherwise, over the protocol Gatehouse uses.
	const home = `${own.protocol}//${checks.host.value ?? ''}${checks.pathPrefix.value ?? ''}/`;
	const url = validateAppUrl(values.url, home);
	const errors = fieldErrors({ ...checks, url });
	if (
		errors ||
		checks.name.value === undefined ||
		checks.host.value === undefined ||
		checks.pathPrefix.value === undefined ||
		checks.access.value === undefined ||
		url.value === undefined
	) {
		return {
			refused: invalidFor('app', 'Please correct the marked fields.', refill, errors ?? {})
		};
	}
	return {
		input: {
			name: checks.name.value,
			host: checks.host.value,
			pathPrefix: checks.pathPrefix.value,
			url: url.value,
			access: checks.access.value
		}
	};
}

/** An app's fields as the form sends them: to fill the edit form, or refill one refused for a clash. */
export function appFormValues(input: AppInput): Record<string, string> {
	return {
		name: input.name,
		host: input.host,
		pathPrefix: input.pathPrefix,
		url: input.url,
		access: input.access.kind,
		groups: input.access.groupIds.join(',')
	};
}

/** Saves the form's app (a new one without `id`); a clash with another app is the form's refusal. */
export async function saveAppForm(
	input: AppInput,
	id?: string
): Promise<
	{ saved: AppRecord | undefined; refused?: undefined } | { refused: ActionFailure<InvalidForm> }
> {
	try {
		return { saved: await saveApp(input, id) };
	} catch (error) {
		if (!(error instanceof AppTakenError)) throw error;
		return {
			refused: invalidFor('app', error.message, appFormValues(input), {
				[error.field]: error.message
			})
		};
	}
}
