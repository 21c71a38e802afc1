// The solution of a practice problem on the topic page: <stoa-post>'s "Mark as solution" (or removing the mark)
// reports stoa-solution-changed; the topic then names that reply its solution, shows it again above the problem,
// and the outcome is announced.
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Post, TopicDetail } from '../api/index.js';
import { emit } from '../events.js';
import type { TopicView } from './topic-view.js';

export class TopicSolutionController implements ReactiveController {
  constructor(private readonly host: TopicView) {
    host.addController(this);
    host.addEventListener('stoa-solution-changed', (e) => this.onSolutionChanged(e.detail.postId));
  }

  hostConnected() {}

  private onSolutionChanged(postId: string | null) {
    const d = this.host.detail;
    if (!d) return;
    const index = postId ? this.host.indexOf(postId) : undefined;
    const solution = index !== undefined ? { ...this.host.posts[index]!, isSolution: true } : null;
    this.host.detail = { ...d, solutionPostId: postId, solution, hasSolution: postId !== null };
    emit(this.host, 'stoa-announce', { message: postId ? 'Marked as the solution.' : 'The solution mark is removed.' });
  }

  /** The marked solution, shown again above the problem (`renderCopy`: the post as a copy, its replying done in the discussion). */
  render(d: TopicDetail, renderCopy: (post: Post) => TemplateResult) {
    if (!d.solution) return nothing;
    return html`<section class="solution card" aria-labelledby="solution-h">
      <h2 id="solution-h">Solution</h2>
      ${renderCopy(d.solution)}
    </section>`;
  }
}
