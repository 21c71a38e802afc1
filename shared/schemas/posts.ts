// Posts (replies), their revisions and helpful marks: request bodies and responses, shared with the client.
import { Type, type Static } from 'typebox';
import { LIMITS } from '../limits.js';
import { Body, IsoDateTime, Uuid } from './common.js';
import { LiveCursor } from './live.js';

export const PostStatus = Type.Union([
  Type.Literal('published'),
  Type.Literal('pending'),
  Type.Literal('hidden'),
  Type.Literal('withdrawn'),
  Type.Literal('removed'),
]);

export const PostBodyText = Type.String({ minLength: 1, maxLength: LIMITS.postBodyMax, description: 'Markdown (GFM).' });

export const CreatePostBody = Body({
  body: PostBodyText,
  /** Reply to this post (same topic). A reply to a reply inherits its promptId. */
  parentId: Type.Optional(Uuid),
  /** Reply to this prompt of the topic. */
  promptId: Type.Optional(Uuid),
});

export const UpdatePostBody = Body({
  body: PostBodyText,
  /** The version being edited; a stale version → 409 version_conflict with currentVersion. */
  version: Type.Integer({ minimum: 1 }),
});

/** Who wrote something: the display name and, where shown beside it (posts), the @handle others mention them by. */
export const PostAuthor = Type.Object({ id: Uuid, displayName: Type.String(), handle: Type.Optional(Type.String()) });

export const Post = Type.Object({
  id: Uuid,
  topicId: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  promptId: Type.Union([Uuid, Type.Null()]),
  depth: Type.Integer(),
  author: PostAuthor,
  /** Sanitised HTML; null when the viewer may not see the content (withdrawn, removed, hidden). */
  bodyHtml: Type.Union([Type.String(), Type.Null()]),
  /** The markdown source, for the author's edit form only (null for everyone else). */
  bodyMd: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoDateTime,
  editedAt: Type.Union([IsoDateTime, Type.Null()]),
  version: Type.Integer(),
  status: PostStatus,
  /** Why a moderator removed it: for the post's author and moderators only (null for everyone else). */
  statusReason: Type.Union([Type.String(), Type.Null()]),
  /** status 'removed': others see the "removed by a moderator" placeholder (bodyHtml null). */
  removedByModerator: Type.Boolean(),
  helpfulCount: Type.Integer(),
  helpfulByMe: Type.Boolean(),
  /** The practice problem's marked solution. */
  isSolution: Type.Boolean(),
});

export const PostListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax, default: LIMITS.pageSizeDefault })),
});

export const PostPage = Type.Object({
  items: Type.Array(Post),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  liveCursor: LiveCursor,
});

export const Revision = Type.Object({
  version: Type.Integer(),
  bodyMd: Type.String(),
  bodyHtml: Type.String(),
  editor: PostAuthor,
  createdAt: IsoDateTime,
});
export const RevisionList = Type.Object({ items: Type.Array(Revision) });

export const HelpfulState = Type.Object({ postId: Uuid, helpfulCount: Type.Integer(), helpfulByMe: Type.Boolean() });

export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$', description: 'A client-chosen key: a retried submit with the same key returns the first result.' }),
  ),
});

export type PostStatus = Static<typeof PostStatus>;
export type CreatePostBody = Static<typeof CreatePostBody>;
export type UpdatePostBody = Static<typeof UpdatePostBody>;
export type Post = Static<typeof Post>;
export type PostPage = Static<typeof PostPage>;
export type Revision = Static<typeof Revision>;
export type HelpfulState = Static<typeof HelpfulState>;
