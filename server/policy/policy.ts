// Every authorisation decision in Stoa is made here, for HTTP routes and WebSocket messages alike.
// `can()` answers yes/no; `authorize()` turns a "no" into the right error:
//   no session → 401; not a member of the community (and not admin) → 404, so a private community
//   is not revealed; a member without the right role or state → 403.
import { forbidden, notFound, unauthorized } from '../errors.js';

export type CommunityRole = 'facilitator' | 'moderator' | 'manager';

export interface Actor {
  id: string;
  isAdmin: boolean;
  displayName: string;
}

/** The actor's active membership of the community in question (null: not a member). */
export interface MembershipContext {
  roles: CommunityRole[];
  suspended: boolean;
}

export interface CommunityContext {
  id: string;
  joinPolicy: 'open' | 'invite';
}

export interface TopicContext {
  authorId: string;
  /** The author and any guest facilitators named for this topic. */
  facilitatorIds: string[];
  kind: 'cpd' | 'problem';
  /** upcoming: before opensAt (only its facilitators may see it). */
  upcoming: boolean;
  /** Held for approval (moderation status pending): only its author and moderators may know it exists. */
  held?: boolean;
}

/** What a topic's policy view is built from (domain/topic-access.ts findTopic loads it). */
export interface TopicFacts {
  authorId: string;
  kind: 'cpd' | 'problem';
  opensAt: Date | null;
  /** Those named in topic_facilitators (the author may or may not be among them). */
  namedFacilitatorIds: string[];
  /** published unless a moderation step holds, hides or removed it (absent: published). */
  moderationStatus?: 'published' | 'pending' | 'hidden' | 'removed';
}

/**
 * THE policy view of a topic, for every feature. The author always counts as a facilitator, a practice
 * problem's author too: the rules then decide what that allows (topic.moderate needs the facilitator role
 * for a problem). `problemAuthorFacilitates: false` counts a problem's author out, for the engagement
 * reports, where a practitioner who opened a problem does not get its figures.
 */
export function topicContext(t: TopicFacts, { now = Date.now(), problemAuthorFacilitates = true } = {}): TopicContext {
  const authorFacilitates = t.kind === 'cpd' || problemAuthorFacilitates;
  return {
    authorId: t.authorId,
    facilitatorIds: [...new Set([...(authorFacilitates ? [t.authorId] : []), ...t.namedFacilitatorIds])],
    kind: t.kind,
    upcoming: t.opensAt !== null && t.opensAt.getTime() > now,
    held: t.moderationStatus === 'pending',
  };
}

export interface PostContext {
  authorId: string;
}

export interface PolicyContext {
  community?: CommunityContext;
  membership?: MembershipContext | null;
  topic?: TopicContext;
  post?: PostContext;
}

type Rule = (actor: Actor, ctx: PolicyContext) => boolean;

const has = (ctx: PolicyContext, role: CommunityRole) => ctx.membership?.roles.includes(role) ?? false;
const member = (ctx: PolicyContext) => !!ctx.membership;
/** A member who may write: suspended members can read but not post, flag or acknowledge. */
const activeMember = (ctx: PolicyContext) => !!ctx.membership && !ctx.membership.suspended;
const isTopicFacilitator = (actor: Actor, ctx: PolicyContext) => !!ctx.topic?.facilitatorIds.includes(actor.id);
const isPostAuthor = (actor: Actor, ctx: PolicyContext) => ctx.post?.authorId === actor.id;
const moderatorOrAdmin = (actor: Actor, ctx: PolicyContext) => actor.isAdmin || has(ctx, 'moderator');
const managerOrAdmin = (actor: Actor, ctx: PolicyContext) => actor.isAdmin || has(ctx, 'manager');
/** Upcoming topics: their facilitators; held topics (pending approval): their author, facilitators and moderators. */
const canSeeTopic = (actor: Actor, ctx: PolicyContext) =>
  (!ctx.topic?.upcoming || isTopicFacilitator(actor, ctx) || actor.isAdmin) &&
  (!ctx.topic?.held || isTopicFacilitator(actor, ctx) || moderatorOrAdmin(actor, ctx));

export const rules = {
  // Instance
  'community.create': (actor) => actor.isAdmin,
  /** The outbox of the embedded default (mail that would have been sent): instance admins. */
  'mail.outbox': (actor) => actor.isAdmin,
  /** One's own account (profile, password, email, sessions): any signed-in member. */
  'account.manage': () => true,
  /** My own notifications: any signed-in member (each sees only their own). */
  'notifications.read': () => true,
  /** Searching: any signed-in member (the service searches only the communities they belong to). */
  'search.run': () => true,
  /** A member's profile: any signed-in member (the service answers 404 unless they share a community). */
  'profile.read': () => true,
  // Communities and membership
  'community.read': (actor, ctx) => member(ctx) || actor.isAdmin || ctx.community?.joinPolicy === 'open',
  'community.join': (_actor, ctx) => ctx.community?.joinPolicy === 'open' && !member(ctx),
  'community.invite': (actor, ctx) => actor.isAdmin || has(ctx, 'facilitator') || has(ctx, 'manager'),
  /** Inviting someone straight into an added role (facilitators invite practitioners only). */
  'community.inviteWithRoles': managerOrAdmin,
  'members.list': (actor, ctx) =>
    actor.isAdmin || has(ctx, 'facilitator') || has(ctx, 'moderator') || has(ctx, 'manager'),
  /** Members' email addresses: managers and admins. Facilitators and moderators see names and handles. */
  'members.readEmail': managerOrAdmin,
  'members.setRoles': managerOrAdmin,
  'members.remove': managerOrAdmin,
  // Topics
  'topics.list': (actor, ctx) => member(ctx) || actor.isAdmin,
  'topic.read': (actor, ctx) => (member(ctx) || actor.isAdmin) && canSeeTopic(actor, ctx),
  'topic.createCpd': (_actor, ctx) => activeMember(ctx) && has(ctx, 'facilitator'),
  'topic.createProblem': (_actor, ctx) => activeMember(ctx),
  'topic.update': (actor, ctx) =>
    actor.isAdmin ||
    (activeMember(ctx) && (isTopicFacilitator(actor, ctx) || (ctx.topic?.kind === 'problem' && ctx.topic.authorId === actor.id))),
  'topic.addPrompt': (actor, ctx) =>
    actor.isAdmin || (activeMember(ctx) && ctx.topic?.kind === 'cpd' && isTopicFacilitator(actor, ctx)),
  /** Editing a prompt's question, release time or answer-first: whoever may add prompts (the CPD topic's facilitators). */
  'topic.editPrompt': (actor, ctx) =>
    actor.isAdmin || (activeMember(ctx) && ctx.topic?.kind === 'cpd' && isTopicFacilitator(actor, ctx)),
  /** Earlier versions of a topic's words and prompts: those who may edit them and the community's moderators (as for a post's). */
  'topic.readRevisions': (actor, ctx) =>
    canSeeTopic(actor, ctx) &&
    (moderatorOrAdmin(actor, ctx) ||
      (member(ctx) && (isTopicFacilitator(actor, ctx) || (ctx.topic?.kind === 'problem' && ctx.topic.authorId === actor.id)))),
  /** Lock, close, pin: the topic's own facilitators and the community's moderators. The practitioner who
   *  opened a practice problem is listed as its facilitator but does not pin or lock it. */
  'topic.moderate': (actor, ctx) =>
    moderatorOrAdmin(actor, ctx) ||
    (activeMember(ctx) && isTopicFacilitator(actor, ctx) && (ctx.topic?.kind === 'cpd' || has(ctx, 'facilitator'))),
  'topic.markSolution': (actor, ctx) =>
    activeMember(ctx) && canSeeTopic(actor, ctx) && (ctx.topic?.authorId === actor.id || isTopicFacilitator(actor, ctx) || has(ctx, 'facilitator')),
  'topic.markRead': (actor, ctx) => (member(ctx) || actor.isAdmin) && canSeeTopic(actor, ctx),
  /** Choosing how much of a topic reaches me (watching … muted): members who can see it. */
  'topic.watch': (actor, ctx) => member(ctx) && canSeeTopic(actor, ctx),
  /** "Mark all read" across a community. */
  'topics.markAllRead': (actor, ctx) => member(ctx) || actor.isAdmin,
  /** Choosing how much of a community reaches me: its members. */
  'community.watch': (_actor, ctx) => member(ctx),
  /** Finding members by handle or name (mention autocomplete): members. */
  'members.search': (_actor, ctx) => member(ctx),
  /** Scheduled (not yet released) prompts: the topic's facilitators only. */
  'prompt.readScheduled': (actor, ctx) => actor.isAdmin || isTopicFacilitator(actor, ctx),
  /** Others' replies to an answer-first prompt before answering: facilitators and moderators. */
  'prompt.seeAllReplies': (actor, ctx) => moderatorOrAdmin(actor, ctx) || isTopicFacilitator(actor, ctx),
  /** Flag a topic (its title, text, prompts) for moderators: any active member who can see it, not its author. */
  'topic.flag': (actor, ctx) => activeMember(ctx) && canSeeTopic(actor, ctx) && ctx.topic?.authorId !== actor.id,
  /** The words of held, hidden and removed topics: moderators and the topic's facilitators (its author included);
   *  in a community's topic list (no topic in view) moderators, and authors their own. */
  'topic.readHidden': (actor, ctx) => moderatorOrAdmin(actor, ctx) || isTopicFacilitator(actor, ctx),
  // Posts
  'post.create': (actor, ctx) => activeMember(ctx) && canSeeTopic(actor, ctx),
  'post.edit': (actor, ctx) => activeMember(ctx) && isPostAuthor(actor, ctx),
  'post.withdraw': (actor, ctx) => member(ctx) && isPostAuthor(actor, ctx),
  'post.readRevisions': (actor, ctx) => isPostAuthor(actor, ctx) || moderatorOrAdmin(actor, ctx),
  /** Content of withdrawn/removed posts and posts held (pending/hidden): moderators (authors see their own). */
  'post.readHidden': moderatorOrAdmin,
  'post.acknowledge': (actor, ctx) => activeMember(ctx) && !isPostAuthor(actor, ctx),
  'post.flag': (actor, ctx) => activeMember(ctx) && !isPostAuthor(actor, ctx),
  // Moderation
  'moderation.queue': moderatorOrAdmin,
  'moderation.remove': moderatorOrAdmin,
  'moderation.restore': moderatorOrAdmin,
  'moderation.approve': moderatorOrAdmin,
  'moderation.dismissFlags': moderatorOrAdmin,
  'moderation.suspend': moderatorOrAdmin,
  /** A private note to a post's author (recorded in the audit log, shown to the author on the post). */
  'moderation.noteAuthor': moderatorOrAdmin,
  'post.readModerationNotes': (actor, ctx) => isPostAuthor(actor, ctx) || moderatorOrAdmin(actor, ctx),
  'moderation.log': (actor, ctx) => moderatorOrAdmin(actor, ctx) || has(ctx, 'manager'),
  'settings.read': (actor, ctx) => moderatorOrAdmin(actor, ctx) || has(ctx, 'manager'),
  'settings.write': (actor, ctx) => moderatorOrAdmin(actor, ctx) || has(ctx, 'manager'),
  // Engagement analytics
  'engagement.community': managerOrAdmin,
  'engagement.topic': (actor, ctx) => managerOrAdmin(actor, ctx) || isTopicFacilitator(actor, ctx),
  /** Inviting a topic's silent readers, and seeing what came of it: its facilitators and the community's managers. */
  'topic.inviteReaders': (actor, ctx) => activeMember(ctx) && (has(ctx, 'manager') || isTopicFacilitator(actor, ctx)),
  /** A member's own figures (GET …/engagement/me). */
  'engagement.self': (_actor, ctx) => member(ctx),
  // Live updates: the same as reading over HTTP, except that a suspended member's live feed stops at once
  // (issue 4); they can still read by reloading.
  'live.subscribeCommunity': (actor, ctx) => activeMember(ctx) || actor.isAdmin,
  'live.subscribeTopic': (actor, ctx) => (activeMember(ctx) || actor.isAdmin) && canSeeTopic(actor, ctx),
} satisfies Record<string, Rule>;

export type Action = keyof typeof rules;

/** Actions that concern a community's inside: a non-member must not learn that it exists. */
const insideCommunity = (action: Action) => action !== 'community.read' && action !== 'community.join' && action !== 'community.create' && action !== 'mail.outbox' && action !== 'account.manage' && action !== 'notifications.read' && action !== 'profile.read' && action !== 'search.run';

export function can(actor: Actor | null, action: Action, ctx: PolicyContext = {}): boolean {
  if (!actor) return false;
  return (rules[action] as Rule)(actor, ctx);
}

/** Throws 401 / 404 / 403 unless the actor may do the action. Returns the actor, now known to be signed in. */
export function authorize(actor: Actor | null, action: Action, ctx: PolicyContext = {}): Actor {
  if (!actor) throw unauthorized();
  if (can(actor, action, ctx)) return actor;
  if (ctx.community && insideCommunity(action) && !ctx.membership && !actor.isAdmin) throw notFound('Community');
  if (action === 'community.read') throw notFound('Community');
  if (ctx.topic && (ctx.topic.upcoming || ctx.topic.held) && !can(actor, 'topic.read', ctx)) throw notFound('Topic');
  if (ctx.membership?.suspended) throw forbidden('You are suspended in this community.', 'member_suspended');
  throw forbidden();
}
