import { redirect } from '@sveltejs/kit';
import { owesSecondStep, passwordNeededToAddFactor, requireUser } from '$lib/server/auth/guards';
import { hasSecondFactor } from '$lib/server/auth/two-step/factors';
import type { PageServerLoad } from './$types';

/**
 * Where someone chooses their first second factor; the only page open to a person the operator
 * requires to have one, until their session has passed it.
 */
export const load: PageServerLoad = async (event) => {
	const { user, session } = requireUser(event);
	const mustSetUp = owesSecondStep(user, session);
	const hasFactor = await hasSecondFactor(user.id);
	if (!mustSetUp && hasFactor) redirect(303, '/account#two-step');
	return {
		mustSetUp,
		hasFactor,
		askPassword: passwordNeededToAddFactor(session)
	};
};
