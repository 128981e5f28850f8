import { redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { hasSecondFactor } from '$lib/server/auth/two-step/factors';
import { twoStepRequiredFor } from '$lib/server/auth/two-step/policy';
import type { PageServerLoad } from './$types';

/**
 * Where someone chooses their first second factor; the only page open to a person the operator
 * requires to have one, until they do.
 */
export const load: PageServerLoad = async (event) => {
	const { user, session } = requireUser(event);
	if (session.twoStep !== 'setup-required' && (await hasSecondFactor(user.id))) {
		redirect(303, '/account#two-step');
	}
	return {
		required: twoStepRequiredFor(user.role),
		mustSetUp: session.twoStep === 'setup-required'
	};
};
