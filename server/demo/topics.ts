// Demo discussion for the demo community: CPD topics drawn from in-service teacher-training practice,
// a practice problem with a marked solution, replies, helpful marks, and members who only read.
// Everything goes through the real services, so the demo exercises the same rules as the API.
// The articles are short original texts written for Stoa.
import type { Services } from '../services.js';
import type { Actor } from '../policy/policy.js';

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

interface DemoTopic {
  title: string;
  article: string;
  prompts: Array<{ body: string; releaseAt?: string; answerFirst?: boolean }>;
  opensAt?: string;
  closesAt?: string;
  guests?: string[];
  /** [author key, prompt index or null, text, reply-to index or undefined] */
  replies?: Array<[string, number | null, string, number?]>;
  /** [member key, reply index] */
  helpful?: Array<[string, number]>;
  readers?: string[];
  pinned?: boolean;
}

const APPLY_PROMPT = 'Apply it to your own training context: what will you change in the next course you run, and how will you know whether it worked?';

const TOPICS: DemoTopic[] = [
  {
    title: 'Designing and planning in-service training courses',
    pinned: true,
    article: `An in-service course is not a shorter version of initial teacher education. The people in the room already teach; they bring timetables, exam pressures, favourite activities and a fair amount of scepticism. Planning starts with them, not with the syllabus we would like to cover.

Three questions are worth answering before any session is drafted:

1. **What do participants already do?** A short survey or a classroom visit tells you more than a needs-analysis form filled in on the first morning.
2. **What will they be able to try next week?** Ideas that cannot be tried in a real class on Monday tend to stay in the training room.
3. **How will the course continue after it ends?** A follow-up meeting, a shared online space or a peer observation keeps the new practice alive while it is still fragile.

A useful habit is to plan backwards from the follow-up: if you know what participants will report on a month later, the sessions can be built to prepare that report. The course then becomes the start of a cycle rather than a one-off event.`,
    prompts: [
      { body: 'What do you find out about participants **before** you plan a course, and how?' },
      { body: 'Describe one course you planned that did not go as expected. What did you learn from it?', answerFirst: true },
      { body: APPLY_PROMPT, releaseAt: inDays(10) },
    ],
    closesAt: inDays(21),
    replies: [
      ['priya', 0, 'I send a two-question email a week before: *what are you teaching this month?* and *what is one thing you would like to try?* The answers shape the first session.'],
      ['tomas', 0, 'We visit one lesson per school if time allows. Even ten minutes in a classroom changes how I pitch the examples.'],
      ['amal', 0, 'Agreed with Tomás — and I ask heads of department, because they know the exam constraints teachers will mention on day two.', 1],
      ['priya', 1, 'I planned a whole day on project work for teachers who had 45-minute lessons and a fixed textbook. The ideas were right; the format was wrong. Now I always ask about lesson length first.'],
      ['tomas', 1, 'A course on speaking where nobody spoke: the group did not know each other. I now spend the first hour on getting to know the people, not the content.'],
    ],
    helpful: [['tomas', 0], ['amal', 0], ['priya', 1], ['tomas', 3], ['priya', 4]],
    readers: ['jonas', 'keiko', 'lucia', 'manager'],
  },
  {
    title: 'What is effective teaching?',
    article: `Ask a group of teachers what effective teaching is and the answers arrive quickly: clear explanations, good relationships, well-paced lessons, learners who talk more than the teacher. Ask them how they *know* a lesson was effective and the room goes quiet.

That gap is where teacher training does its most useful work. Effectiveness is not a list of techniques; it is a judgement about what learners were able to do by the end that they could not do at the start — and about the evidence for that judgement.

Trainers can help by shifting the question from "what did the teacher do?" to "what did the learners do, and what changed?". Observation notes that record learner language, learner questions and learner mistakes make that shift concrete. So does asking teachers to predict, before a lesson, what a successful learner will say or write, and then checking after it.

None of this removes the value of experience or intuition. It gives them something to be tested against.`,
    prompts: [
      { body: 'Think of a lesson you would call effective. What evidence tells you so?' },
      { body: APPLY_PROMPT, releaseAt: inDays(7) },
    ],
    replies: [
      ['amal', 0, 'A writing lesson where learners rewrote their first paragraph without being asked. The second drafts were the evidence.'],
      ['lucia', 0, 'For me it is when the questions at the end are better than the questions at the start.'],
    ],
    helpful: [['priya', 0], ['tomas', 1]],
    readers: ['jonas', 'keiko'],
  },
  {
    title: 'Evaluating a training course',
    article: `Most course evaluations are collected on the last afternoon, when participants are tired, grateful and thinking about the journey home. The forms tell us whether people enjoyed the course. They rarely tell us whether anything changed in a classroom.

A more useful evaluation looks at several levels. Did participants find the course relevant? Did they learn something they can describe? Did they try it with their learners? Did their learners respond differently? Each level needs its own evidence and its own moment: the first can be asked on the day, the last only weeks later.

Small steps help. Ask participants at the end to write down one thing they intend to try, keep the cards, and send them back a month later with a short question: *did you try it, and what happened?* The replies are an evaluation, and they are also a reminder.

Evaluation is also feedback for the trainer. The course we thought was our best is sometimes the one that changed least.`,
    prompts: [
      { body: 'How do you currently evaluate your courses? What does the evidence actually tell you?' },
      { body: APPLY_PROMPT, releaseAt: inDays(14) },
    ],
    replies: [
      ['tomas', 0, 'Honestly: a smiley-face form. I would like to try the "intention cards" idea from the article.'],
      ['keiko', 0, 'We phone five participants after six weeks. It takes an afternoon and is the most useful data we have.'],
      ['tomas', 0, 'Keiko, do you use the same questions every time?', 1],
      ['keiko', 0, 'Three fixed questions and one about the specific course. That makes it possible to compare across years.', 2],
    ],
    helpful: [['tomas', 1], ['priya', 1], ['amal', 3]],
    readers: ['jonas', 'lucia'],
  },
  {
    title: 'Loop input',
    guests: ['tomas'],
    article: `Loop input is a style of training in which the process of a session carries its content. Participants learn about, say, jigsaw reading by doing a jigsaw reading of texts about jigsaw reading. The form and the message loop back on each other.

Its appeal is economy: participants experience an activity as learners and analyse it as teachers in the same hour. It also makes the trainer practise what the session preaches, which participants notice.

Loop input has costs. The first experience can be confusing, and some participants feel tricked when the "loop" is revealed. The step back from doing to analysing needs to be explicit: what did we just do, how did it feel, what would change with your learners, at their level, in your classroom?

Used sparingly, loop input is one of the most memorable things a trainer can offer. Used in every session, it becomes a gimmick.`,
    prompts: [
      { body: 'Have you experienced loop input as a participant? What did it feel like?' },
      { body: 'What makes the step from *doing* to *analysing* work well?', answerFirst: true },
      { body: APPLY_PROMPT, releaseAt: inDays(5) },
    ],
    replies: [
      ['lucia', 0, 'Yes — a session on giving instructions where the trainer gave deliberately poor instructions. Frustrating, then unforgettable.'],
      ['priya', 1, 'Naming the stages on the board afterwards, so the analysis has something to hold on to.'],
      ['amal', 1, 'Asking "how would this work with thirteen-year-olds?" straight away, before the group gets too comfortable.'],
    ],
    helpful: [['tomas', 0], ['jonas', 0], ['fiona', 1]],
    readers: ['keiko'],
  },
  {
    title: 'Dealing with difficult participants',
    opensAt: inDays(-2),
    closesAt: inDays(5),
    article: `Every trainer meets them: the participant who has seen it all before, the one who answers every question, the one who marks homework at the back. Calling them "difficult" is convenient, but it hides the reasons behind the behaviour — and the reasons are usually more interesting than the behaviour.

The experienced teacher who challenges everything may be protecting years of practice that the course seems to dismiss. The one who dominates may be the only person who understood the task. The one who disengages may have been sent, not invited.

A few responses help more often than they hurt. Acknowledge experience openly and use it: ask the sceptic to describe what already works for them. Give structure that shares the floor, such as pair work before plenary and timed turns. Speak privately rather than publicly. And check the design: a session that leaves no room for participants' own knowledge will produce resistance in almost any group.

This is a one-week topic: it closes in five days.`,
    prompts: [
      { body: 'Describe (anonymously) a participant you found difficult. What might have been behind the behaviour?' },
      { body: APPLY_PROMPT, releaseAt: inDays(3) },
    ],
    replies: [
      ['jonas', 0, 'A head of department who sat in on a course for his own teachers. Nobody spoke. Next time I would talk to him beforehand about his role in the room.'],
      ['priya', 0, 'Jonas, that happened to me too. We agreed he would join only the last session.', 0],
    ],
    helpful: [['keiko', 0], ['lucia', 1]],
    readers: ['amal', 'tomas'],
  },
  {
    title: 'Reflection on reflection',
    opensAt: inDays(4),
    closesAt: inDays(25),
    article: `Reflection has become the most recommended and least examined practice in teacher development. We ask teachers to keep journals, write post-lesson notes and discuss critical incidents — and then we rarely ask whether any of it changes what happens in the next lesson.

Reflection that helps tends to have three features. It is specific: one moment in one lesson, not "the lesson went well". It looks for alternatives: what else could I have done, and what would have happened? And it is shared: someone else's question often shows what we could not see alone.

Trainers are not exempt. A reflective practice for trainers might mean revisiting a session plan after the course and writing two lines on what to cut, or asking a colleague to observe a session with one agreed focus.

This topic opens in a few days. Before it does, only its facilitators can see it.`,
    prompts: [
      { body: 'When did reflecting on a lesson lead you to do something differently? Be specific.' },
      { body: APPLY_PROMPT, releaseAt: inDays(11) },
    ],
  },
];

/** Demo user ids by their seed name. */
export type DemoUsers = Record<string, string>;

export async function seedDemoTopics(services: Services, communityId: string, users: DemoUsers) {
  const actor = (key: string): Actor => ({ id: users[key]!, isAdmin: false, displayName: key });
  const fiona = actor('facilitator');
  const ids = (keys: string[]) => keys.filter((k) => users[k]).map((k) => (k === 'fiona' ? users.facilitator! : users[k]!));
  const keyFor = (k: string) => (k === 'fiona' ? 'facilitator' : k);

  for (const demo of TOPICS) {
    const topic = await services.topics.create(fiona, communityId, {
      kind: 'cpd',
      title: demo.title,
      article: demo.article,
      prompts: demo.prompts,
      ...(demo.opensAt ? { opensAt: demo.opensAt } : {}),
      ...(demo.closesAt ? { closesAt: demo.closesAt } : {}),
      ...(demo.guests ? { facilitatorIds: ids(demo.guests) } : {}),
    });
    const postIds: string[] = [];
    for (const [author, promptIndex, body, replyTo] of demo.replies ?? []) {
      const parentId = replyTo !== undefined ? postIds[replyTo] : undefined;
      const result = await services.posts.create(actor(keyFor(author)), topic.id, {
        body,
        ...(parentId ? { parentId } : promptIndex !== null ? { promptId: topic.prompts[promptIndex]!.id } : {}),
      });
      postIds.push(result.post.id);
      // Members open the topic before replying: that is a view too.
      await services.topics.get(actor(keyFor(author)), topic.id);
    }
    for (const [member, index] of demo.helpful ?? []) await services.posts.setHelpful(actor(keyFor(member)), postIds[index]!, true);
    // Members who only read: they open the topic and read to the end.
    for (const reader of demo.readers ?? []) {
      const me = actor(keyFor(reader));
      await services.topics.get(me, topic.id);
      const visible = (await services.posts.list(me, topic.id, { limit: 200 })).items;
      const last = visible[visible.length - 1];
      if (last) await services.topics.markRead(me, topic.id, last.id);
    }
    if (demo.pinned) await services.topics.update(fiona, topic.id, { pinned: true });
  }

  // A practice problem from a practitioner, with replies and a marked solution.
  const priya = actor('priya');
  const problem = await services.topics.create(priya, communityId, {
    kind: 'problem',
    title: 'Teachers enjoy the workshop but do not try the ideas in class',
    body: `Feedback on my workshops is always positive, but when I visit schools a month later almost nobody has tried the activities. The teachers say there is "no time" because of the exam syllabus.

How have you helped participants take the first step back in their own classrooms?`,
  });
  const answers = [
    ['tomas', 'Ask each participant to choose *one* activity and a date to try it before they leave the room. Then send a reminder the day before.'],
    ['amal', 'Adapt one activity **with** them during the workshop, using their own textbook unit for next week. When the material is already prepared, "no time" stops being true.'],
    ['keiko', 'Pair teachers from the same school so they can try it together and tell each other how it went.'],
  ] as const;
  const answerIds: string[] = [];
  for (const [author, body] of answers) answerIds.push((await services.posts.create(actor(author), problem.id, { body })).post.id);
  await services.posts.create(priya, problem.id, { body: 'Thank you — I tried Amal’s idea with the Year 9 unit and four of six teachers used the activity the following week.', parentId: answerIds[1]! });
  await services.topics.setSolution(priya, problem.id, answerIds[1]!);
  for (const [member, index] of [['priya', 1], ['jonas', 1], ['lucia', 0], ['tomas', 2]] as const) {
    await services.posts.setHelpful(actor(member), answerIds[index]!, true);
  }
  for (const reader of ['jonas', 'lucia', 'manager']) await services.topics.get(actor(reader), problem.id);
}
