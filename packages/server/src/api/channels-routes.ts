import type { FastifyInstance } from "fastify";
import type { Accounts } from "../accounts/accounts.js";
import { type Channels, publicChannel } from "../messaging/channels.js";
import type { Messenger } from "../messaging/messenger.js";
import { type Posts, publicPost } from "../messaging/posts.js";
import { ApiError, forbidden, notFound } from "./errors.js";
import { idParams } from "./params.js";
import { authHooks, requireSession } from "./session-auth.js";

const userId = { type: "string", pattern: "^[a-z0-9]{26}$" } as const;
const pageQuery = {
  type: "object",
  additionalProperties: false,
  properties: {
    page: { type: "string", pattern: "^[0-9]{1,6}$" },
    per_page: { type: "string", pattern: "^([1-9][0-9]?|1[0-9][0-9]|200)$" },
  },
} as const;

/** Mattermost's limit on a post's text. */
const MAX_MESSAGE = 16383;

/**
 * Direct conversations: `POST /api/v4/channels/direct`, `GET /api/v4/channels/{id}`,
 * `GET /api/v4/users/{me}/channels`, `POST /api/v4/posts`, `GET /api/v4/channels/{id}/posts`.
 * Only members see a conversation or post in it.
 */
export function channelsRoutes(
  app: FastifyInstance,
  deps: { accounts: Accounts; channels: Channels; posts: Posts; messenger: Messenger },
): void {
  const { accounts, channels, posts, messenger } = deps;
  const auth = authHooks(accounts);

  /** The channel, if the requester is a member; 404 for one that does not exist, 403 otherwise. */
  const memberChannel = async (channelId: string, me: string) => {
    const channel = await channels.get(channelId);
    if (!channel) throw notFound("Channel");
    if (!(await channels.isMember(channelId, me))) throw forbidden();
    return channel;
  };

  app.post<{ Body: [string, string] }>(
    "/api/v4/channels/direct",
    {
      preValidation: auth.user,
      schema: { body: { type: "array", minItems: 2, maxItems: 2, items: userId } },
    },
    async (request, reply) => {
      const { user } = await requireSession(accounts, request);
      const [a, b] = request.body;
      if (a !== user.id && b !== user.id)
        throw new ApiError(
          400,
          "api.channel.create_direct_channel.invalid_user.app_error",
          "A direct channel must include your own user id.",
        );
      const other = a === user.id ? b : a;
      if (!(await accounts.getUser(other))) throw notFound("User");
      return reply.code(201).send(publicChannel(await channels.direct(a, b)));
    },
  );

  app.get<{ Params: { channel_id: string } }>(
    "/api/v4/channels/:channel_id",
    { preValidation: auth.user, schema: { params: idParams("channel_id") } },
    async (request) => {
      const { user } = await requireSession(accounts, request);
      return publicChannel(await memberChannel(request.params.channel_id, user.id));
    },
  );

  app.get<{ Params: { user_id: string } }>(
    "/api/v4/users/:user_id/channels",
    { preValidation: auth.user, schema: { params: idParams("user_id", true) } },
    async (request) => {
      const { user } = await requireSession(accounts, request);
      if (request.params.user_id !== "me" && request.params.user_id !== user.id) throw forbidden();
      return (await channels.of(user.id)).map(publicChannel);
    },
  );

  app.get<{ Params: { channel_id: string }; Querystring: { page?: string; per_page?: string } }>(
    "/api/v4/channels/:channel_id/posts",
    { preValidation: auth.user, schema: { params: idParams("channel_id"), querystring: pageQuery } },
    async (request) => {
      const { user } = await requireSession(accounts, request);
      await memberChannel(request.params.channel_id, user.id);
      const rows = await posts.page(
        request.params.channel_id,
        Number(request.query.page ?? 0),
        Number(request.query.per_page ?? 60),
      );
      // Mattermost's post list: ids newest first, and the posts by id.
      return {
        order: rows.map((r) => r.id),
        posts: Object.fromEntries(rows.map((r) => [r.id, publicPost(r)])),
      };
    },
  );

  app.post<{ Body: { channel_id: string; message: string } }>(
    "/api/v4/posts",
    {
      preValidation: auth.user,
      schema: {
        body: {
          type: "object",
          required: ["channel_id", "message"],
          additionalProperties: false,
          properties: {
            channel_id: userId,
            message: { type: "string", minLength: 1, maxLength: MAX_MESSAGE, pattern: "\\S" },
          },
        },
      },
    },
    async (request, reply) => {
      const { user } = await requireSession(accounts, request);
      await memberChannel(request.body.channel_id, user.id);
      const post = await messenger.send({
        channelId: request.body.channel_id,
        userId: user.id,
        senderName: user.username,
        message: request.body.message,
      });
      return reply.code(201).send(post);
    },
  );
}
