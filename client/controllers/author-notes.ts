// Moderators' notes to authors on a topic's posts ("Note to author…" from the review queue), as the topic page
// shows them beside the posts they are about: only those this viewer may read (on their own posts; on all of
// them for moderators — the server decides). They are read alongside the topic, and a failure to read them
// must not hide the topic: it reads as no notes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AuthorNote, TopicAuthorNote } from '../api/moderation.js';
import type { ApiConsumer } from '../context.js';

const NO_NOTES: AuthorNote[] = [];

/** Moderators' notes by the post they are about, oldest first. */
export function groupNotes(items: TopicAuthorNote[]): Map<string, AuthorNote[]> {
  const byPost = new Map<string, AuthorNote[]>();
  for (const { postId, ...note } of items) byPost.set(postId, [...(byPost.get(postId) ?? []), note]);
  return byPost;
}

export class AuthorNotesController implements ReactiveController {
  private byPost = new Map<string, AuthorNote[]>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: ApiConsumer,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  /** Starts reading the topic's notes; never rejects (a failure gives none). Show them with `show()` once the topic has loaded. */
  read(topicId: string, signal?: AbortSignal): Promise<Map<string, AuthorNote[]>> {
    return this.api.client.moderation
      .topicAuthorNotes(topicId, signal)
      .catch(() => ({ items: [] as TopicAuthorNote[] }))
      .then((notes) => groupNotes(notes.items));
  }

  show(notes: Map<string, AuthorNote[]>) {
    this.byPost = notes;
    this.host.requestUpdate();
  }

  /** The notes about this post (the same empty list for every post without any, so no post re-renders for it). */
  for(postId: string): AuthorNote[] {
    return this.byPost.get(postId) ?? NO_NOTES;
  }
}
