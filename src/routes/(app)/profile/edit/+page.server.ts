import { redirect } from '@sveltejs/kit';
import { updateProfile } from '$lib/server/accounts/profile';
import { requireUser } from '$lib/server/auth/guards';
import { setFlash } from '$lib/server/http/flash';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import {
	fieldErrors,
	validateAge,
	validateBio,
	validateFullName
} from '$lib/server/http/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const { user } = requireUser(event);
	return { profile: { fullName: user.fullName, bio: user.bio, age: user.age } };
};

export const actions: Actions = {
	save: async (event) => {
		const { user } = requireUser(event);
		const form = await readForm(event.request);
		// Only these three fields are read: whatever else is posted (role, id, ...) is ignored.
		const { values, problem } = readTextFields(form, ['fullName', 'bio', 'age']);
		if (problem) return invalid(problem);
		const fullName = validateFullName(values.fullName);
		const bio = validateBio(values.bio);
		const age = validateAge(values.age);
		const errors = fieldErrors({ fullName, bio, age });
		if (
			errors ||
			fullName.value === undefined ||
			bio.value === undefined ||
			age.value === undefined
		) {
			return invalid('Please correct the marked fields.', values, errors ?? {});
		}

		await updateProfile(user.id, { fullName: fullName.value, bio: bio.value, age: age.value });
		setFlash(event, 'Profile saved.');
		redirect(303, '/profile');
	}
};
