import { useState } from "preact/hooks";
import type { User } from "../api/types.js";
import { CallButton } from "./call-button.js";
import { navigate, useSession } from "./session.js";

export function PresenceDot({ user }: { user: User }) {
  const status = user.status ?? "offline";
  return <span class={`presence ${status}`} role="img" aria-label={status} title={status} />;
}

/** Everyone else, with presence; each opens a conversation, and a profile card with a call button. */
export function PeopleList({ active }: { active?: string }) {
  const { users, me } = useSession();
  const [card, setCard] = useState<string | undefined>();
  const others = [...users.values()].filter((u) => u.id !== me.id && u.delete_at === 0);
  return (
    <nav aria-label="People">
      <h2>People</h2>
      {others.length === 0 && <p class="hint">No one else has an account yet.</p>}
      <ul class="people">
        {others.map((u) => (
          <li key={u.id} class={active === u.id ? "active" : ""}>
            <a href={`#/dm/${u.id}`} aria-current={active === u.id ? "page" : undefined}>
              <PresenceDot user={u} /> {u.username}
            </a>
            <button
              type="button"
              class="icon profile"
              aria-label={`Profile of ${u.username}`}
              aria-expanded={card === u.id}
              onClick={() => setCard(card === u.id ? undefined : u.id)}
            >
              Profile
            </button>
            {card === u.id && (
              <div class="profile-card" role="dialog" aria-label={`Profile of ${u.username}`}>
                <p>
                  <PresenceDot user={u} /> <strong>{u.username}</strong> · {u.status ?? "offline"}
                </p>
                <p class="hint">{u.email}</p>
                <CallButton user={u} />
                <button
                  type="button"
                  onClick={() => {
                    setCard(undefined);
                    navigate(`dm/${u.id}`);
                  }}
                >
                  Send message
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
