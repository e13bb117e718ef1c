// synth-ss: categories in Something-Something template style and the script of each.
//
// Design decision: categories come in families (groups) whose members share
// the objects, the hand and the set, and differ only in what happens: the
// direction, the spatial relation, whether the hand lets go, whether the
// object really moves (pretending) or moves a little and falls back (trying
// but failing). So neither one frame nor the objects alone give the class;
// the motion does. Every script is a few keyframed actions on a SceneKit.
//
// The category table maps each category to its act and to the script of its
// family (one function per family, e.g. all "put / hold A <relation> B"); the
// act selects the variant inside the family. Times are fractions of the
// action window (SceneKit::at); the phases shared by the grasping scripts are
// named below.
#include "ss_set.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "class_table.h"
#include "object_spec.h"
#include "scene_kit.h"

namespace grain::data::synth {
namespace {

enum class Act {
  kMoveUp, kMoveDown, kMoveCloser, kMoveAway,
  kPutOnTop, kPutNextTo, kPutBehind, kPutInFront, kPretendPutNextTo,
  kPushRight, kPushLeft, kPushOff, kPretendPush,
  kLiftHold, kLiftDrop, kFailLift,
  kTurnCw, kTurnCcw, kPretendTurn,
  kHoldNextTo, kHoldInFront, kHoldBehind,
  kDropOnto, kDropNextTo, kDropBehind,
  kCover, kUncover, kPretendCover,
  kCamApproach, kCamAway, kCamLeft, kCamRight,
  kPokeLight, kPokeMove,
};

bool is_turning(Act a) { return a == Act::kTurnCw || a == Act::kTurnCcw || a == Act::kPretendTurn; }
bool is_covering(Act a) { return a == Act::kCover || a == Act::kPretendCover; }
bool is_holding(Act a) { return a == Act::kHoldNextTo || a == Act::kHoldInFront || a == Act::kHoldBehind; }

// Label-level draws of one video: the named objects, the unnamed cover and the distractors.
struct Plan {
  Act act;
  ObjectSpec a, b, cover;
  std::vector<ObjectSpec> distractors;
};

ObjectSpec big_cover(Rng& rng) {
  ObjectSpec c = random_object(rng);
  c.size = Size::kBig;
  c.shape = rng.chance(0.5f) ? Shape::kSquare : Shape::kCircle;
  return c;
}

Plan make_plan(uint64_t seed, uint64_t index, Act act) {
  Rng rng(kernels::synth_stream_seed(seed, index, kernels::kSynthPlanPurpose));
  Plan p;
  p.act = act;
  do p.a = random_object(rng);
  while (is_turning(act) && !shows_rotation(p.a));
  if (is_covering(act) || act == Act::kUncover) p.a.size = Size::kSmall;
  do p.b = is_covering(act) ? big_cover(rng) : random_object(rng);
  while (p.b == p.a);
  p.cover = big_cover(rng);
  const int n = rng.between(1, 2);
  for (int i = 0; i < n; ++i) {
    ObjectSpec d;
    do d = (i == 0) ? confusable_object(rng, p.a) : random_object(rng);
    while (d == p.a || d == p.b);
    p.distractors.push_back(d);
  }
  return p;
}

// Depths: objects resting on the table, and an object in the hand (in front of everything).
constexpr float kBaseZ = 10.0f, kCarriedZ = 50.0f;

// Phases of a grasp, as fractions of the action window.
constexpr float kReachEnd = 0.25f;    // the hand is at the object
constexpr float kGraspEnd = 0.33f;    // the fingers are closed; the object moves from here
constexpr float kReleaseAt = 0.7f;    // a carried object arrives and is let go; a turn ends
constexpr float kHeldAt = 0.62f;      // a held object arrives (then wobbles to the end)
constexpr float kLetGoTime = 0.08f;   // the fingers open over this long after a release
constexpr float kPretendGrip = 0.7f;  // grip of a hand that closes short of grasping
// Rise of an object carried over another (put, cover), as a fraction of the height.
constexpr float kCarryLift = 0.12f;

// One video's workbench plus the named items A and B of the plan.
struct ScriptContext {
  SceneKit& kit;
  const Plan& plan;
  int item_a = -1, item_b = -1;
  float radius_a = 0, radius_b = 0;
  float width = 0, height = 0;

  float radius(const ObjectSpec& o) const {
    return o.size == Size::kSmall ? kit.stage().small_radius : kit.stage().big_radius;
  }
  // Adds a named object (its look drawn from its own stream) resting at pos with depth z.
  int add(const ObjectSpec& o, Vec2 pos, float z) {
    Rng look(kit.rng().next_u64());
    return kit.add_item(object_paint(o, look), 1.15f, radius(o), pos, z);
  }
  // A random side (+1 / -1) on which `p + side * dx` stays on the table.
  float free_side(Vec2 p, float dx, float r) {
    const float s = kit.rng().sign();
    if (on_table(kit.stage(), {p.x + s * dx, p.y}, r)) return s;
    return -s;
  }
};

using FamilyScript = void (*)(ScriptContext&);

enum class Mode { kPlace, kHold, kPretend };

// Moves item i (or, when pretending, only the hand) from t0 to t1 to `to`, rising by lift on the way.
void travel(ScriptContext& c, int i, float t0, float t1, Vec2 to, float lift, bool hand_only) {
  Choreography& ch = c.kit.ch();
  const Vec2 from = ch.item_pos(i, t0);
  const float tm = 0.5f * (t0 + t1);
  const Vec2 mid = {0.5f * (from.x + to.x), std::min(from.y, to.y) - lift};
  if (hand_only) {
    ch.move_hand(t0, tm, ch.grasp_point(i, mid));
    ch.move_hand(tm, t1, ch.grasp_point(i, to));
    return;
  }
  ItemTracks& it = ch.item(i);
  it.x.key(t0, from.x, Ease::kStep), it.y.key(t0, from.y, Ease::kStep);
  it.x.key(t1, to.x, Ease::kSmooth);
  if (lift > 0) it.y.key(tm, mid.y, Ease::kSmooth);
  it.y.key(t1, to.y, Ease::kSmooth);
}

// Small movements of a held item until the end, so holding is not a frozen frame.
void wobble(ScriptContext& c, int i, float t0) {
  Choreography& ch = c.kit.ch();
  Rng& rng = c.kit.rng();
  const Vec2 p = ch.item_pos(i, t0);
  const float end = c.kit.last();
  float t = t0;
  while (t < end) {
    const float t1 = std::min(end, t + rng.uniform(4.0f, 8.0f));
    ch.move_item(i, t, t1, {p.x + rng.uniform(-1.2f, 1.2f), p.y + rng.uniform(-1.2f, 1.2f)});
    t = t1;
  }
}

// The hand reaches item i resting at p and closes to `grip` (1: a firm hold) by kGraspEnd.
void grasp(ScriptContext& c, int i, Vec2 p, float grip) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  ch.reach(k.at(0.0f), k.at(kReachEnd), ch.grasp_point(i, p));
  ch.grip(k.at(kReachEnd), k.at(kGraspEnd), grip);
}

// From kGraspEnd item i moves with the hand, in front at depth z.
void pick_up(ScriptContext& c, int i, float z) {
  SceneKit& k = c.kit;
  k.ch().attach(k.at(kGraspEnd), i);
  k.ch().item(i).z.key(k.at(kGraspEnd), z, Ease::kStep);
}

// Reach item i, grasp, carry it to `to` (lifting by `lift`), then release and retreat, or hold, or pretend.
void carry(ScriptContext& c, int i, Vec2 to, float lift, Mode mode, float carried_z, float final_z) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  grasp(c, i, ch.item_pos(i, 0), mode == Mode::kPretend ? kPretendGrip : 1.0f);
  const float t_end = mode == Mode::kHold ? kHeldAt : kReleaseAt;
  if (mode == Mode::kPretend) {
    travel(c, i, k.at(kGraspEnd), k.at(t_end), to, lift, true);
  } else {
    pick_up(c, i, carried_z);
    travel(c, i, k.at(kGraspEnd), k.at(t_end), to, lift, false);
    ch.item(i).z.key(k.at(t_end), final_z, Ease::kStep);
  }
  if (mode == Mode::kHold) {
    wobble(c, i, k.at(t_end));
    return;
  }
  ch.attach(k.at(t_end), -1);
  ch.grip(k.at(t_end), k.at(t_end + kLetGoTime), 0.0f);
  ch.retreat(k.at(t_end + kLetGoTime), k.at(1.0f));
}

// Adds A and B for a relation script: B somewhere, A at least kPairSpread of the width away.
void place_pair(ScriptContext& c) {
  constexpr float kPairSpread = 0.3f;
  SceneKit& k = c.kit;
  const float w = c.width;
  const Vec2 pb = k.place(c.radius_b, {.x_min = w * 0.15f, .x_max = w * 0.85f});
  c.item_b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
  const bool a_right = pb.x < w * 0.5f;
  const Vec2 pa = a_right ? k.place(c.radius_a, {.x_min = pb.x + w * kPairSpread})
                          : k.place(c.radius_a, {.x_max = pb.x - w * kPairSpread});
  c.item_a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
}

// Where A goes to stand in relation `rel` to B at pb.
Vec2 relation_target(ScriptContext& c, Act rel, Vec2 pb) {
  Rng& rng = c.kit.rng();
  const float ra = c.radius_a, rb = c.radius_b;
  switch (rel) {
    case Act::kPutOnTop: case Act::kDropOnto:
      return {pb.x + rng.uniform(-1.5f, 1.5f), pb.y - 0.6f * rb - 0.3f * ra};
    case Act::kPutBehind: case Act::kDropBehind: case Act::kHoldBehind:
      return {pb.x + rng.sign() * 0.25f * rb, pb.y - 0.6f * rb};
    case Act::kPutInFront: case Act::kHoldInFront:
      return {pb.x + rng.sign() * 0.25f * rb, pb.y + 0.5f * rb};
    default: {  // next to
      const float dx = ra + rb + rng.uniform(2.0f, 5.0f);
      const float s = c.free_side(pb, dx, ra);
      return {pb.x + s * dx, pb.y + rng.uniform(-2.0f, 2.0f)};
    }
  }
}

// The hand comes from the side opposite to direction s (+1 right, -1 left): moves the shoulder if needed.
void shoulder_behind(ScriptContext& c, float s) {
  const Vec2 sh = c.kit.stage().shoulder;
  if (s * (sh.x - 0.5f * c.width) > 0.2f * c.width) c.kit.set_shoulder({c.width - sh.x, sh.y});
}

// Pushes A by dist in direction s; when falls_off, it tips over the table's end and drops out of the frame.
void push(ScriptContext& c, float s, float dist, bool falls_off) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  shoulder_behind(c, s);
  const Vec2 p0 = ch.item_pos(c.item_a, 0);
  const float rp = k.palm_radius();
  const Vec2 off = {-s * (c.radius_a + 0.7f * rp), 0.0f};
  ch.reach(k.at(0.0f), k.at(0.28f), p0 + off);
  ch.grip(k.at(0.2f), k.at(0.3f), 0.35f);
  ch.attach(k.at(0.3f), c.item_a, off);
  const float t_end = falls_off ? 0.55f : 0.72f;
  const Vec2 p1 = {p0.x + s * dist, p0.y};
  ch.move_item(c.item_a, k.at(0.3f), k.at(t_end), p1, falls_off ? Ease::kIn : Ease::kSmooth);
  ch.attach(k.at(t_end), -1);
  if (falls_off) {
    ItemTracks& it = ch.item(c.item_a);
    const float t2 = std::min(k.last(), k.at(t_end) + 8.0f);
    it.x.key(t2, p1.x + s * 0.1f * c.width, Ease::kOut);
    it.y.key(k.at(t_end), p1.y, Ease::kStep);
    it.y.key(t2, c.height + 3.0f * c.radius_a, Ease::kIn);
    it.angle.key(k.at(t_end), 0.0f, Ease::kStep);
    it.angle.key(t2, s * k.rng().uniform(1.0f, 2.5f), Ease::kLinear);
  }
  ch.retreat(k.at(t_end + 0.05f), k.at(1.0f));
}

// ---- One script per act family ---------------------------------------------

// Moving A up / down: carried along the table's depth by a fifth to a third of the height.
void move_vertically(ScriptContext& c) {
  SceneKit& k = c.kit;
  Rng& rng = k.rng();
  const bool up = c.plan.act == Act::kMoveUp;
  const float ra = c.radius_a, h = c.height;
  const float d = rng.uniform(0.2f, 0.3f) * h;
  const float y_top = k.stage().horizon + 0.4f * ra, y_bot = h - ra - 2.0f;
  // Start far enough from the edge it moves towards.
  const Vec2 p = up ? k.place(ra, {.y_min = std::min(y_bot, y_top + d), .y_max = y_bot})
                    : k.place(ra, {.y_min = y_top, .y_max = std::max(y_top, y_bot - d)});
  c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  const Vec2 to = {p.x + rng.uniform(-3.0f, 3.0f), std::clamp(p.y + (up ? -d : d), y_top, y_bot)};
  k.reserve(to, ra);
  carry(c, c.item_a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
}

// Moving A closer to B: A ends a small gap from B, on the side it came from.
void move_closer(ScriptContext& c) {
  SceneKit& k = c.kit;
  place_pair(c);
  const Vec2 pa = k.ch().item_pos(c.item_a, 0), pb = k.ch().item_pos(c.item_b, 0);
  Vec2 d = pa - pb;
  d = d * (1.0f / std::max(1.0f, length(d)));
  const Vec2 to = pb + d * (c.radius_a + c.radius_b + k.rng().uniform(2.0f, 5.0f));
  k.reserve(to, c.radius_a);
  carry(c, c.item_a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
}

// Moving A away from B: A starts beside B and is carried a third of the width away.
void move_away(ScriptContext& c) {
  SceneKit& k = c.kit;
  Rng& rng = k.rng();
  const Stage& st = k.stage();
  const float w = c.width, ra = c.radius_a;
  const Vec2 pb = k.place(c.radius_b, {.x_min = w * 0.3f, .x_max = w * 0.7f});
  c.item_b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
  const float gap = ra + c.radius_b + rng.uniform(2.0f, 5.0f);
  const float s = c.free_side(pb, gap + 0.3f * w, ra);
  const Vec2 pa = {pb.x + s * gap,
                   std::clamp(pb.y + rng.uniform(-3.0f, 3.0f), st.horizon + 0.4f * ra, c.height - ra - 2.0f)};
  c.item_a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
  float dist = rng.uniform(0.28f, 0.4f) * w;
  while (dist > 0.1f * w && !on_table(st, {pa.x + s * dist, pa.y}, ra)) dist -= 2.0f;
  const Vec2 to = {pa.x + s * dist, pa.y};
  k.reserve(to, ra);
  carry(c, c.item_a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
}

// Putting / pretending to put / holding A on top of, next to, behind or in front of B.
void put_or_hold(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  const Act act = c.plan.act;
  place_pair(c);
  const Vec2 pb = ch.item_pos(c.item_b, 0);
  const Act rel = act == Act::kPretendPutNextTo ? Act::kPutNextTo : act;
  Vec2 to = relation_target(c, rel, pb);
  const bool behind = rel == Act::kPutBehind || rel == Act::kHoldBehind;
  const bool hold = is_holding(act);
  if (act == Act::kHoldNextTo) to.y -= k.rng().uniform(0.05f, 0.15f) * c.height;  // held up beside it
  k.reserve(to, c.radius_a);
  const float bz = kBaseZ + 0.5f;
  const bool next_to = rel == Act::kPutNextTo || rel == Act::kHoldNextTo;
  const float z_final = behind ? bz - 1.0f : (next_to ? kBaseZ + 1.0f : bz + 1.0f);
  // Behind B the hand passes behind it too, until it is gone.
  if (behind) ch.hand_depth(k.at(kGraspEnd), bz - 0.5f);
  const Mode mode = act == Act::kPretendPutNextTo ? Mode::kPretend : (hold ? Mode::kHold : Mode::kPlace);
  carry(c, c.item_a, to, kCarryLift * c.height, mode, behind ? bz - 1.0f : kCarriedZ, z_final);
  if (behind && !hold) ch.hand_depth(k.at(1.0f), 100.0f);
}

// Pushing A from left to right / right to left by a fifth to a third of the width.
void push_sideways(ScriptContext& c) {
  SceneKit& k = c.kit;
  const float w = c.width, ra = c.radius_a;
  const float s = c.plan.act == Act::kPushRight ? 1.0f : -1.0f;
  const float dist = k.rng().uniform(0.2f, 0.32f) * w;
  // Start with room to travel.
  const Vec2 p = s > 0 ? k.place(ra, {.x_max = w * 0.9f - dist}) : k.place(ra, {.x_min = w * 0.1f + dist});
  c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  float d = dist;
  while (d > 0.08f * w && !on_table(k.stage(), {p.x + s * d, p.y}, ra)) d -= 2.0f;
  k.reserve({p.x + s * d, p.y}, ra);
  push(c, s, d, false);
}

// Pushing A so that it falls off the table: towards the end of the table inside the frame.
void push_off(ScriptContext& c) {
  SceneKit& k = c.kit;
  const Stage& st = k.stage();
  const float w = c.width, ra = c.radius_a;
  const float s = static_cast<float>(st.edge_side);
  const float near = s > 0 ? st.table_end - ra - 2.0f : st.table_end + ra + 2.0f;
  const Vec2 p = s > 0 ? k.place(ra, {.x_min = near - 0.35f * w, .x_max = near - 0.12f * w})
                       : k.place(ra, {.x_min = near + 0.12f * w, .x_max = near + 0.35f * w});
  c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  push(c, s, std::fabs(st.table_end - p.x) + 0.2f * ra, true);
}

// Pretending to push A: the hand nudges towards it twice and stops short.
void pretend_push(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  const float w = c.width;
  const Vec2 p = k.place(c.radius_a, {.x_min = w * 0.2f, .x_max = w * 0.8f});
  c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  const float s = k.rng().sign();
  shoulder_behind(c, s);
  const float rp = k.palm_radius();
  const Vec2 near = {p.x - s * (c.radius_a + 1.5f * rp), p.y};
  const Vec2 nudge = {near.x + s * 0.5f * rp, near.y};
  ch.reach(k.at(0.0f), k.at(0.3f), near);
  ch.grip(k.at(0.2f), k.at(0.3f), 0.35f);
  ch.move_hand(k.at(0.3f), k.at(0.42f), nudge);
  ch.move_hand(k.at(0.42f), k.at(0.52f), near);
  ch.move_hand(k.at(0.52f), k.at(0.64f), nudge);
  ch.move_hand(k.at(0.64f), k.at(0.72f), near);
  ch.retreat(k.at(0.75f), k.at(1.0f));
}

// Lifting A and holding it up / letting it drop from a little height / trying but failing.
void lift(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  Rng& rng = k.rng();
  const Act act = c.plan.act;
  const float h = c.height;
  const Vec2 p = k.place(c.radius_a, {.y_min = k.stage().horizon + 0.25f * h});
  const int a = c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  grasp(c, a, p, 1.0f);
  pick_up(c, a, kCarriedZ);
  if (act == Act::kLiftHold) {
    const Vec2 up = {p.x, std::max(c.radius_a + 2.0f, p.y - rng.uniform(0.3f, 0.42f) * h)};
    ch.move_item(a, k.at(kGraspEnd), k.at(kHeldAt), up);
    wobble(c, a, k.at(kHeldAt));
  } else if (act == Act::kLiftDrop) {
    const Vec2 up = {p.x, p.y - rng.uniform(0.12f, 0.18f) * h};
    ch.move_item(a, k.at(kGraspEnd), k.at(0.52f), up);
    ch.attach(k.at(0.6f), -1);
    ch.grip(k.at(0.6f), k.at(0.64f), 0.0f);
    // Falls, bounces once, settles.
    ch.move_item(a, k.at(0.6f), k.at(0.7f), p, Ease::kIn);
    ch.move_item(a, k.at(0.7f), k.at(0.74f), {p.x, p.y - 1.5f}, Ease::kOut);
    ch.move_item(a, k.at(0.74f), k.at(0.78f), p, Ease::kIn);
    ch.item(a).z.key(k.at(0.7f), kBaseZ + 1.0f, Ease::kStep);
    ch.move_hand(k.at(0.62f), k.at(0.7f), ch.grasp_point(a, {up.x, up.y - 3.0f}));
    ch.retreat(k.at(0.7f), k.at(1.0f));
  } else {
    // It rises a pixel or two, then settles back; the hand slips upwards alone.
    ch.move_item(a, k.at(kGraspEnd), k.at(0.45f), {p.x, p.y - rng.uniform(1.0f, 2.5f)});
    ch.move_item(a, k.at(0.45f), k.at(0.52f), p, Ease::kIn);
    ch.attach(k.at(0.52f), -1);
    ch.item(a).z.key(k.at(0.52f), kBaseZ + 1.0f, Ease::kStep);
    ch.grip(k.at(0.52f), k.at(0.6f), 0.2f);
    ch.move_hand(k.at(0.52f), k.at(0.62f), ch.grasp_point(a, {p.x, p.y - 0.09f * h}));
    ch.retreat(k.at(0.65f), k.at(1.0f));
  }
}

// Turning A clockwise / counterclockwise / pretending (the hand twists back and forth, A stays).
void turn(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  Rng& rng = k.rng();
  const Act act = c.plan.act;
  const float w = c.width;
  const Vec2 p = k.place(c.radius_a, {.x_min = w * 0.15f, .x_max = w * 0.85f});
  const int a = c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  grasp(c, a, p, act == Act::kPretendTurn ? kPretendGrip : 1.0f);
  if (act == Act::kPretendTurn) {
    const float s = rng.sign();
    const Vec2 g = ch.grasp_point(a, p);
    const Vec2 g1 = p + rotate(g - p, s * 0.35f), g2 = p + rotate(g - p, s * 0.7f);
    ch.move_hand(k.at(kGraspEnd), k.at(0.45f), g1, Ease::kLinear);
    ch.move_hand(k.at(0.45f), k.at(0.58f), g2, Ease::kSmooth);
    ch.move_hand(k.at(0.58f), k.at(kReleaseAt), g);
  } else {
    const float s = act == Act::kTurnCw ? 1.0f : -1.0f;
    ch.attach(k.at(kGraspEnd), a);
    ItemTracks& it = ch.item(a);
    it.angle.key(k.at(kGraspEnd), 0.0f, Ease::kStep);
    it.angle.key(k.at(kReleaseAt), s * rng.uniform(1.2f, 2.2f), Ease::kSmooth);
    ch.attach(k.at(kReleaseAt), -1);
  }
  ch.grip(k.at(kReleaseAt), k.at(0.78f), 0.0f);
  ch.retreat(k.at(0.78f), k.at(1.0f));
}

// Dropping A onto / next to / behind B: the hand brings A in from off the frame and lets go above its target.
void drop(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  Rng& rng = k.rng();
  const Act act = c.plan.act;
  const float w = c.width, h = c.height, ra = c.radius_a;
  const Vec2 pb = k.place(c.radius_b, {.x_min = w * 0.2f, .x_max = w * 0.8f, .y_min = k.stage().horizon + 0.3f * h});
  c.item_b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
  const Vec2 to = relation_target(c, act, pb);
  k.reserve(to, ra);
  const Vec2 hold = {to.x + rng.uniform(-3.0f, 3.0f), std::max(ra + 2.0f, to.y - rng.uniform(0.25f, 0.35f) * h)};
  const Vec2 sh = k.stage().shoulder;
  Vec2 dir = sh - hold;
  dir = dir * (1.0f / std::max(1.0f, length(dir)));
  const Vec2 start = hold + dir * (0.75f * length(sh - hold));  // off the frame, with the hand
  const float z = act == Act::kDropBehind ? kBaseZ : (act == Act::kDropOnto ? kBaseZ + 1.5f : kCarriedZ);
  const int a = c.item_a = k.add_item(object_paint(c.plan.a, rng), 1.15f, ra, start, z);
  k.taken().pop_back();  // it starts off the table; its landing place is reserved above
  ch.reach(k.at(0.0f), k.at(0.0f), start);
  ch.grip(k.at(0.0f), k.at(0.0f), 1.0f);
  ch.attach(k.at(0.0f), a);
  ch.move_item(a, k.at(0.0f), k.at(0.4f), hold);
  ch.attach(k.at(0.5f), -1);
  ch.grip(k.at(0.5f), k.at(0.55f), 0.0f);
  ch.move_item(a, k.at(0.5f), k.at(0.62f), to, Ease::kIn);
  if (act == Act::kDropNextTo) ch.item(a).z.key(k.at(0.62f), kBaseZ + 1.0f, Ease::kStep);
  ch.retreat(k.at(0.56f), k.at(0.95f));
}

// Covering / pretending to cover A with B: B is carried over A.
void cover(ScriptContext& c) {
  SceneKit& k = c.kit;
  Rng& rng = k.rng();
  const float w = c.width;
  const Vec2 pa = k.place(c.radius_a, {.x_min = w * 0.15f, .x_max = w * 0.85f});
  c.item_a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
  const Vec2 pb = k.place(c.radius_b);
  c.item_b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
  const Vec2 to = {pa.x + rng.uniform(-1.0f, 1.0f), pa.y + rng.uniform(-1.0f, 1.0f)};
  const Mode mode = c.plan.act == Act::kCover ? Mode::kPlace : Mode::kPretend;
  carry(c, c.item_b, to, kCarryLift * c.height, mode, kCarriedZ, kBaseZ + 5.0f);
}

// Uncovering A: the plan's unnamed cover starts on A and is carried elsewhere.
void uncover(ScriptContext& c) {
  SceneKit& k = c.kit;
  Rng& rng = k.rng();
  const float w = c.width;
  const float rc = c.radius(c.plan.cover);
  const Vec2 pa = k.place(rc, {.x_min = w * 0.15f, .x_max = w * 0.85f});
  c.item_a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
  const int cover = c.add(c.plan.cover, {pa.x + rng.uniform(-1.0f, 1.0f), pa.y + rng.uniform(-1.0f, 1.0f)},
                          kBaseZ + 5.0f);
  const Vec2 to = k.place(rc);
  k.reserve(to, rc);
  carry(c, cover, to, kCarryLift * c.height, Mode::kPlace, kCarriedZ, kBaseZ + 0.5f);
}

// The camera approaches A / moves away from it (zoom towards A) / turns left or right (pan); no hand.
void move_camera(ScriptContext& c) {
  SceneKit& k = c.kit;
  Rng& rng = k.rng();
  const Act act = c.plan.act;
  const float w = c.width, h = c.height;
  const Vec2 p = k.place(c.radius_a, {.x_min = w * 0.3f, .x_max = w * 0.7f, .y_max = h * 0.8f});
  c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  CameraTracks& cam = k.ch().camera();
  const Vec2 centre = {0.5f * w, 0.5f * h};
  const Vec2 focus = (p - centre) * 0.85f;
  if (act == Act::kCamLeft || act == Act::kCamRight) {
    const float s = act == Act::kCamRight ? 1.0f : -1.0f;
    cam.pan_x.key(k.at(0.0f), 0.0f, Ease::kStep);
    cam.pan_x.key(k.at(1.0f), s * rng.uniform(0.18f, 0.28f) * w);
    return;
  }
  // Zoomed in, the view is centred near A; the far end of the move holds until the action starts.
  const float zoom = rng.uniform(1.45f, 1.8f);
  const bool in = act == Act::kCamApproach;
  const float zoom0 = in ? 1.0f : zoom, zoom1 = in ? zoom : 1.0f;
  const Vec2 pan0 = in ? Vec2{0.0f, 0.0f} : focus, pan1 = in ? focus : Vec2{0.0f, 0.0f};
  cam.zoom.key(0.0f, zoom0, Ease::kStep);
  cam.zoom.key(k.at(0.0f), zoom0, Ease::kStep);
  cam.zoom.key(k.at(1.0f), zoom1);
  cam.pan_x.key(0.0f, pan0.x, Ease::kStep), cam.pan_y.key(0.0f, pan0.y, Ease::kStep);
  cam.pan_x.key(k.at(0.0f), pan0.x, Ease::kStep);
  cam.pan_y.key(k.at(0.0f), pan0.y, Ease::kStep);
  cam.pan_x.key(k.at(1.0f), pan1.x), cam.pan_y.key(k.at(1.0f), pan1.y);
}

// Poking A so lightly that it does not move / so that it slightly moves (away from the arm).
void poke(ScriptContext& c) {
  SceneKit& k = c.kit;
  Choreography& ch = k.ch();
  const float w = c.width;
  const Vec2 p = k.place(c.radius_a, {.x_min = w * 0.2f, .x_max = w * 0.8f});
  const int a = c.item_a = c.add(c.plan.a, p, kBaseZ + 1.0f);
  const Vec2 touch = ch.grasp_point(a, p);
  Vec2 dir = p - k.stage().shoulder;
  dir = dir * (1.0f / std::max(1.0f, length(dir)));
  const float rp = k.palm_radius();
  ch.reach(k.at(0.0f), k.at(0.3f), touch - dir * rp);
  ch.grip(k.at(0.15f), k.at(0.3f), 0.55f);
  ch.move_hand(k.at(0.3f), k.at(0.4f), touch, Ease::kOut);
  if (c.plan.act == Act::kPokeMove) {
    const Vec2 to = p + dir * (k.rng().uniform(0.04f, 0.07f) * w);
    ch.move_item(a, k.at(0.4f), k.at(0.52f), to, Ease::kOut);
    k.reserve(to, c.radius_a);
  }
  ch.move_hand(k.at(0.4f), k.at(0.52f), touch - dir * rp);
  ch.retreat(k.at(0.55f), k.at(0.95f));
}

struct Category {
  const char* template_text;
  const char* group;
  Act act;
  FamilyScript script;
};

// The category table; class indices are assigned by sorting the names (SSv2 rule).
const Category kCategories[] = {
    {"Moving [something] up", "Moving something", Act::kMoveUp, move_vertically},
    {"Moving [something] down", "Moving something", Act::kMoveDown, move_vertically},
    {"Moving [something] closer to [something]", "Moving something", Act::kMoveCloser, move_closer},
    {"Moving [something] away from [something]", "Moving something", Act::kMoveAway, move_away},
    {"Putting [something] on top of [something]", "Putting something somewhere", Act::kPutOnTop, put_or_hold},
    {"Putting [something] next to [something]", "Putting something somewhere", Act::kPutNextTo, put_or_hold},
    {"Putting [something] behind [something]", "Putting something somewhere", Act::kPutBehind, put_or_hold},
    {"Putting [something] in front of [something]", "Putting something somewhere", Act::kPutInFront, put_or_hold},
    {"Pretending to put [something] next to [something]", "Putting something somewhere", Act::kPretendPutNextTo,
     put_or_hold},
    {"Pushing [something] from left to right", "Pushing something", Act::kPushRight, push_sideways},
    {"Pushing [something] from right to left", "Pushing something", Act::kPushLeft, push_sideways},
    {"Pushing [something] so that it falls off the table", "Pushing something", Act::kPushOff, push_off},
    {"Pretending to push [something]", "Pushing something", Act::kPretendPush, pretend_push},
    {"Lifting [something] up completely without letting it drop down", "Lifting something", Act::kLiftHold, lift},
    {"Lifting [something] up a little, then letting it drop down", "Lifting something", Act::kLiftDrop, lift},
    {"Trying but failing to lift [something]", "Lifting something", Act::kFailLift, lift},
    {"Turning [something] clockwise", "Turning something", Act::kTurnCw, turn},
    {"Turning [something] counterclockwise", "Turning something", Act::kTurnCcw, turn},
    {"Pretending to turn [something]", "Turning something", Act::kPretendTurn, turn},
    {"Holding [something] next to [something]", "Holding something", Act::kHoldNextTo, put_or_hold},
    {"Holding [something] in front of [something]", "Holding something", Act::kHoldInFront, put_or_hold},
    {"Holding [something] behind [something]", "Holding something", Act::kHoldBehind, put_or_hold},
    {"Dropping [something] onto [something]", "Dropping something", Act::kDropOnto, drop},
    {"Dropping [something] next to [something]", "Dropping something", Act::kDropNextTo, drop},
    {"Dropping [something] behind [something]", "Dropping something", Act::kDropBehind, drop},
    {"Covering [something] with [something]", "Covering something", Act::kCover, cover},
    {"Uncovering [something]", "Covering something", Act::kUncover, uncover},
    {"Pretending to cover [something] with [something]", "Covering something", Act::kPretendCover, cover},
    {"Approaching [something] with your camera", "Moving the camera", Act::kCamApproach, move_camera},
    {"Moving away from [something] with your camera", "Moving the camera", Act::kCamAway, move_camera},
    {"Turning the camera left while filming [something]", "Moving the camera", Act::kCamLeft, move_camera},
    {"Turning the camera right while filming [something]", "Moving the camera", Act::kCamRight, move_camera},
    {"Poking [something] so lightly that it doesn't or almost doesn't move", "Poking something", Act::kPokeLight,
     poke},
    {"Poking [something] so that it slightly moves", "Poking something", Act::kPokeMove, poke},
};

class SsSet final : public DatasetKind {
 public:
  std::string name() const override { return "synth-ss"; }
  const std::vector<ClassInfo>& classes() const override { return table_.classes(); }
  SplitSizes default_splits() const override { return {1020, 170, 170}; }

  VideoLabel label(uint64_t seed, uint64_t index, int cls) const override {
    const Plan p = make_plan(seed, index, table_.def(cls).act);
    VideoLabel l = table_.label(cls, {phrase(p.a), phrase(p.b)});
    for (const ObjectSpec* o : {&p.a, &p.b})
      if (l.attributes.size() < l.placeholders.size()) l.attributes.push_back(object_attributes(*o));
    return l;
  }

  Scene scene(uint64_t seed, uint64_t index, int cls, int width, int height) const override {
    const Category& category = table_.def(cls);
    const Plan p = make_plan(seed, index, category.act);
    Rng rng(kernels::synth_stream_seed(seed, index, kernels::kSynthScenePurpose));
    SceneKit kit(rng, width, height);
    ScriptContext c{kit, p};
    c.radius_a = c.radius(p.a), c.radius_b = c.radius(p.b);
    c.width = static_cast<float>(width), c.height = static_cast<float>(height);
    category.script(c);
    for (const ObjectSpec& d : p.distractors) c.add(d, kit.place(c.radius(d)), kBaseZ);
    return kit.finish();
  }

 private:
  ClassTable<Category> table_{"synth-ss", {std::begin(kCategories), std::end(kCategories)}};
};

}  // namespace

std::unique_ptr<DatasetKind> make_ss_set() { return std::make_unique<SsSet>(); }

}  // namespace grain::data::synth
