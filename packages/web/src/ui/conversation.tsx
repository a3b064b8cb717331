import { useEffect, useRef, useState } from "preact/hooks";
import type { CallRecord, Channel, Post, User } from "../api/types.js";
import { CallButton } from "./call-button.js";
import { formatSeconds } from "./format.js";
import { PresenceDot } from "./people-list.js";
import { useSession } from "./session.js";

function callRecordText(call: CallRecord, me: string, other: User): string {
  const outgoing = call.caller_id === me;
  switch (call.outcome) {
    case "ended":
      return `📞 Call ended · ${formatSeconds(Math.round(call.duration_ms / 1000))}`;
    case "declined":
      return outgoing ? `📞 ${other.username} declined your call` : "📞 You declined the call";
    case "missed":
      return outgoing ? `📞 ${other.username} missed your call` : `📞 Missed call from ${other.username}`;
    case "failed":
      return "📞 Call failed to connect";
  }
}

/** A direct conversation: history, live messages, the composer, and the call button in its header. */
export function Conversation({ other }: { other: User }) {
  const { api, socket, me } = useSession();
  const [channel, setChannel] = useState<Channel | undefined>();
  const [posts, setPosts] = useState<Post[]>([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState("");
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let live = true;
    // The composer waits for the conversation: a message typed before it loads has nowhere to go.
    setChannel(undefined);
    setPosts([]);
    setError("");
    (async () => {
      const c = await api.directChannel(me.id, other.id);
      const page = await api.posts(c.id);
      if (!live) return;
      setChannel(c);
      setPosts(page.order.map((id) => page.posts[id]!).reverse());
    })().catch((err: Error) => setError(err.message));
    return () => {
      live = false;
    };
  }, [api, me.id, other.id]);

  useEffect(() => {
    if (!channel) return;
    return socket.on((e) => {
      if (e.event !== "posted") return;
      const post = JSON.parse(String(e.data.post)) as Post;
      if (post.channel_id === channel.id)
        setPosts((p) => (p.some((x) => x.id === post.id) ? p : [...p, post]));
    });
  }, [socket, channel]);

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [posts.length]);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!channel || !draft.trim()) return;
    try {
      const post = await api.sendPost(channel.id, draft);
      setDraft("");
      setPosts((p) => (p.some((x) => x.id === post.id) ? p : [...p, post]));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="conversation" aria-label={`Conversation with ${other.username}`}>
      <header>
        <h2>
          <PresenceDot user={other} /> {other.username}
        </h2>
        <CallButton user={other} label="Video call" />
      </header>
      <ol class="posts" ref={list} aria-live="polite">
        {posts.map((p) => {
          const author = p.user_id === me.id ? "You" : other.username;
          return p.props.call ? (
            <li key={p.id} class="post call-record" data-outcome={p.props.call.outcome}>
              {callRecordText(p.props.call, me.id, other)}
              <time dateTime={new Date(p.create_at).toISOString()}>
                {new Date(p.create_at).toLocaleTimeString()}
              </time>
            </li>
          ) : (
            <li key={p.id} class={`post ${p.user_id === me.id ? "mine" : ""}`}>
              <strong>{author}</strong> <span class="message">{p.message}</span>
              <time dateTime={new Date(p.create_at).toISOString()}>
                {new Date(p.create_at).toLocaleTimeString()}
              </time>
            </li>
          );
        })}
      </ol>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="composer" onSubmit={send}>
        <label for="composer" class="visually-hidden">
          Message {other.username}
        </label>
        <input
          id="composer"
          value={draft}
          disabled={!channel}
          maxLength={16383}
          placeholder={`Message ${other.username}`}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
          autocomplete="off"
        />
        <button type="submit" class="primary" disabled={!channel || !draft.trim()}>
          Send
        </button>
      </form>
    </section>
  );
}
