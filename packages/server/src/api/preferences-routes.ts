import type { FastifyInstance } from "fastify";
import type { Accounts } from "../accounts/accounts.js";
import { type Preference, type Preferences, WEBRTC_OPT_IN } from "../accounts/preferences.js";
import type { Hub } from "../ws/hub.js";
import { ApiError, forbidden } from "./errors.js";
import { idParams } from "./params.js";
import { authHooks, requireSession } from "./session-auth.js";

const preferenceSchema = {
  type: "array",
  minItems: 1,
  maxItems: 100,
  items: {
    type: "object",
    required: ["user_id", "category", "name", "value"],
    additionalProperties: false,
    properties: {
      user_id: { type: "string", maxLength: 26 },
      category: { type: "string", minLength: 1, maxLength: 32 },
      name: { type: "string", minLength: 1, maxLength: 64 },
      value: { type: "string", maxLength: 2000 },
    },
  },
} as const;

/** `GET`/`PUT /api/v4/users/{user_id}/preferences`: users read and write their own. */
export function preferencesRoutes(
  app: FastifyInstance,
  accounts: Accounts,
  preferences: Preferences,
  hub: Hub,
): void {
  /** The user themself; `me` as Mattermost allows. Admins do not edit others' preferences here. */
  const owner = async (request: Parameters<typeof requireSession>[1], userId: string) => {
    const { user } = await requireSession(accounts, request);
    if (userId !== "me" && userId !== user.id) throw forbidden();
    return user.id;
  };

  app.get<{ Params: { user_id: string } }>(
    "/api/v4/users/:user_id/preferences",
    { preValidation: authHooks(accounts).user, schema: { params: idParams("user_id", true) } },
    async (request) => preferences.list(await owner(request, request.params.user_id)),
  );

  app.put<{ Params: { user_id: string }; Body: Preference[] }>(
    "/api/v4/users/:user_id/preferences",
    {
      schema: { params: idParams("user_id", true), body: preferenceSchema },
      preValidation: authHooks(accounts).user,
    },
    async (request) => {
      const userId = await owner(request, request.params.user_id);
      if (request.body.some((p) => p.user_id !== userId))
        throw new ApiError(
          400,
          "api.preference.update_preferences.set.app_error",
          "Preferences can only be set for your own user id.",
        );
      await preferences.save(request.body);
      // Others' call buttons depend on this user's opt-in: tell every client (Mattermost's user_updated).
      if (request.body.some((p) => p.category === WEBRTC_OPT_IN.category && p.name === WEBRTC_OPT_IN.name))
        hub.broadcast("user_updated", {
          user_id: userId,
          calls_enabled: await preferences.optedInToCalls(userId),
        });
      return { status: "OK" };
    },
  );
}
