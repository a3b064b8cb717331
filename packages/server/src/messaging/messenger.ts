import type { Hub } from "../ws/hub.js";
import type { Channels } from "./channels.js";
import { type Posts, type PublicPost, publicPost } from "./posts.js";

/**
 * Sends a post: persists it, then delivers it live to every socket of the conversation's members
 * as Mattermost's `posted` event (the post as a JSON string, as Mattermost sends it).
 */
export class Messenger {
  constructor(
    private readonly channels: Channels,
    private readonly posts: Posts,
    private readonly hub: Hub,
  ) {}

  async send(input: {
    channelId: string;
    userId: string;
    senderName: string;
    message: string;
    type?: string;
    props?: Record<string, unknown>;
  }): Promise<PublicPost> {
    const post = publicPost(await this.posts.create(input));
    const members = await this.channels.members(input.channelId);
    const data = { channel_type: "D", sender_name: input.senderName, post: JSON.stringify(post) };
    for (const member of members) this.hub.sendToUser(member, "posted", data);
    return post;
  }
}
