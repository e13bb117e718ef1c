// synth-ss: categories in Something-Something template style and the script of each.
//
// Design decision: categories come in families (groups) whose members share
// the objects, the hand and the set, and differ only in what happens: the
// direction, the spatial relation, whether the hand lets go, whether the
// object really moves (pretending) or moves a little and falls back (trying
// but failing). So neither one frame nor the objects alone give the class;
// the motion does. Every script is a few keyframed actions on a SceneKit.
#include "ss_set.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

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

struct Category {
  const char* template_text;
  const char* group;
  Act act;
};

// The category list; class indices are assigned by sorting the names (SSv2 rule).
const Category kCategories[] = {
    {"Moving [something] up", "Moving something", Act::kMoveUp},
    {"Moving [something] down", "Moving something", Act::kMoveDown},
    {"Moving [something] closer to [something]", "Moving something", Act::kMoveCloser},
    {"Moving [something] away from [something]", "Moving something", Act::kMoveAway},
    {"Putting [something] on top of [something]", "Putting something somewhere", Act::kPutOnTop},
    {"Putting [something] next to [something]", "Putting something somewhere", Act::kPutNextTo},
    {"Putting [something] behind [something]", "Putting something somewhere", Act::kPutBehind},
    {"Putting [something] in front of [something]", "Putting something somewhere", Act::kPutInFront},
    {"Pretending to put [something] next to [something]", "Putting something somewhere", Act::kPretendPutNextTo},
    {"Pushing [something] from left to right", "Pushing something", Act::kPushRight},
    {"Pushing [something] from right to left", "Pushing something", Act::kPushLeft},
    {"Pushing [something] so that it falls off the table", "Pushing something", Act::kPushOff},
    {"Pretending to push [something]", "Pushing something", Act::kPretendPush},
    {"Lifting [something] up completely without letting it drop down", "Lifting something", Act::kLiftHold},
    {"Lifting [something] up a little, then letting it drop down", "Lifting something", Act::kLiftDrop},
    {"Trying but failing to lift [something]", "Lifting something", Act::kFailLift},
    {"Turning [something] clockwise", "Turning something", Act::kTurnCw},
    {"Turning [something] counterclockwise", "Turning something", Act::kTurnCcw},
    {"Pretending to turn [something]", "Turning something", Act::kPretendTurn},
    {"Holding [something] next to [something]", "Holding something", Act::kHoldNextTo},
    {"Holding [something] in front of [something]", "Holding something", Act::kHoldInFront},
    {"Holding [something] behind [something]", "Holding something", Act::kHoldBehind},
    {"Dropping [something] onto [something]", "Dropping something", Act::kDropOnto},
    {"Dropping [something] next to [something]", "Dropping something", Act::kDropNextTo},
    {"Dropping [something] behind [something]", "Dropping something", Act::kDropBehind},
    {"Covering [something] with [something]", "Covering something", Act::kCover},
    {"Uncovering [something]", "Covering something", Act::kUncover},
    {"Pretending to cover [something] with [something]", "Covering something", Act::kPretendCover},
    {"Approaching [something] with your camera", "Moving the camera", Act::kCamApproach},
    {"Moving away from [something] with your camera", "Moving the camera", Act::kCamAway},
    {"Turning the camera left while filming [something]", "Moving the camera", Act::kCamLeft},
    {"Turning the camera right while filming [something]", "Moving the camera", Act::kCamRight},
    {"Poking [something] so lightly that it doesn't or almost doesn't move", "Poking something", Act::kPokeLight},
    {"Poking [something] so that it slightly moves", "Poking something", Act::kPokeMove},
};

// Label-level draws of one video: the named objects, the unnamed cover and the distractors.
struct Plan {
  Act act;
  ObjectSpec a, b, cover;
  std::vector<ObjectSpec> distractors;
};

bool is_turning(Act a) { return a == Act::kTurnCw || a == Act::kTurnCcw || a == Act::kPretendTurn; }
bool is_covering(Act a) { return a == Act::kCover || a == Act::kPretendCover; }

ObjectSpec big_cover(Rng& rng) {
  ObjectSpec c = random_object(rng);
  c.size = Size::kBig;
  c.shape = rng.chance(0.5f) ? Shape::kSquare : Shape::kCircle;
  return c;
}

Plan make_plan(uint64_t seed, uint64_t index, Act act) {
  Rng rng(stream_seed(seed, index, 1));
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

constexpr float kBaseZ = 10.0f, kCarriedZ = 50.0f;

// One video's workbench plus the named items.
struct Ctx {
  SceneKit& kit;
  const Plan& plan;
  int a = -1, b = -1;
  float ra = 0, rb = 0;
  float w = 0, h = 0;
  Choreography& ch() { return kit.ch(); }
  Rng& rng() { return kit.rng(); }
  const Stage& st() const { return kit.stage(); }
  float radius(const ObjectSpec& o) const {
    return o.size == Size::kSmall ? kit.stage().small_radius : kit.stage().big_radius;
  }
  int add(const ObjectSpec& o, Vec2 pos, float z) {
    Rng look(rng().next_u64());
    return kit.add_item(object_paint(o, look), 1.15f, radius(o), pos, z);
  }
  Vec2 place(float r, float x0 = -1e9f, float x1 = 1e9f, float y0 = -1e9f, float y1 = 1e9f) {
    return place_on_table(rng(), st(), r, kit.taken(), 3.0f, x0, x1, y0, y1);
  }
  void reserve(Vec2 p, float r) { kit.taken().push_back({p, r}); }
  // A random side (+1 / -1) on which `p + side * dx` stays on the table.
  float free_side(Vec2 p, float dx, float r) {
    const float s = rng().sign();
    if (on_table(st(), {p.x + s * dx, p.y}, r)) return s;
    return -s;
  }
};

enum class Mode { kPlace, kHold, kPretend };

// Moves item i (or, when pretending, only the hand) from t0 to t1 to `to`, rising by lift on the way.
void travel(Ctx& c, int i, float t0, float t1, Vec2 to, float lift, bool hand_only) {
  Choreography& ch = c.ch();
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
void wobble(Ctx& c, int i, float t0) {
  Choreography& ch = c.ch();
  const Vec2 p = ch.item_pos(i, t0);
  const float end = c.kit.last();
  float t = t0;
  while (t < end) {
    const float t1 = std::min(end, t + c.rng().uniform(4.0f, 8.0f));
    ch.move_item(i, t, t1, {p.x + c.rng().uniform(-1.2f, 1.2f), p.y + c.rng().uniform(-1.2f, 1.2f)});
    t = t1;
  }
}

// Reach item i, grasp, carry it to `to` (lifting by `lift`), then release and retreat, or hold, or pretend.
void carry(Ctx& c, int i, Vec2 to, float lift, Mode mode, float carried_z, float final_z) {
  SceneKit& k = c.kit;
  Choreography& ch = c.ch();
  const Vec2 from = ch.item_pos(i, 0);
  ch.reach(k.at(0.0f), k.at(0.25f), ch.grasp_point(i, from));
  ch.grip(k.at(0.25f), k.at(0.33f), mode == Mode::kPretend ? 0.7f : 1.0f);
  const float t_end = mode == Mode::kHold ? 0.62f : 0.7f;
  if (mode == Mode::kPretend) {
    travel(c, i, k.at(0.33f), k.at(t_end), to, lift, true);
  } else {
    ch.attach(k.at(0.33f), i);
    ch.item(i).z.key(k.at(0.33f), carried_z, Ease::kStep);
    travel(c, i, k.at(0.33f), k.at(t_end), to, lift, false);
    ch.item(i).z.key(k.at(t_end), final_z, Ease::kStep);
  }
  if (mode == Mode::kHold) {
    wobble(c, i, k.at(t_end));
    return;
  }
  ch.attach(k.at(t_end), -1);
  ch.grip(k.at(t_end), k.at(t_end + 0.08f), 0.0f);
  ch.retreat(k.at(t_end + 0.08f), k.at(1.0f));
}

// Adds A and B for a relation script: B somewhere, A at least a third of the width away.
void place_pair(Ctx& c) {
  const Vec2 pb = c.place(c.rb, c.w * 0.15f, c.w * 0.85f);
  c.b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
  const float side = pb.x < c.w * 0.5f ? 1.0f : -1.0f;
  const Vec2 pa = side > 0 ? c.place(c.ra, pb.x + c.w * 0.3f) : c.place(c.ra, -1e9f, pb.x - c.w * 0.3f);
  c.a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
}

Vec2 relation_target(Ctx& c, Act rel, Vec2 pb) {
  switch (rel) {
    case Act::kPutOnTop: case Act::kDropOnto:
      return {pb.x + c.rng().uniform(-1.5f, 1.5f), pb.y - 0.6f * c.rb - 0.3f * c.ra};
    case Act::kPutBehind: case Act::kDropBehind: case Act::kHoldBehind:
      return {pb.x + c.rng().sign() * 0.25f * c.rb, pb.y - 0.6f * c.rb};
    case Act::kPutInFront: case Act::kHoldInFront:
      return {pb.x + c.rng().sign() * 0.25f * c.rb, pb.y + 0.5f * c.rb};
    default: {  // next to
      const float dx = c.ra + c.rb + c.rng().uniform(2.0f, 5.0f);
      const float s = c.free_side(pb, dx, c.ra);
      return {pb.x + s * dx, pb.y + c.rng().uniform(-2.0f, 2.0f)};
    }
  }
}

void push(Ctx& c, float s, float dist, bool falls_off) {
  SceneKit& k = c.kit;
  Choreography& ch = c.ch();
  // The arm should not come from where the object is pushed to.
  Vec2 sh = k.stage().shoulder;
  if (s * (sh.x - 0.5f * c.w) > 0.2f * c.w) k.set_shoulder({c.w - sh.x, sh.y});
  const Vec2 p0 = ch.item_pos(c.a, 0);
  const float rp = k.palm_radius();
  const Vec2 off = {-s * (c.ra + 0.7f * rp), 0.0f};
  ch.reach(k.at(0.0f), k.at(0.28f), p0 + off);
  ch.grip(k.at(0.2f), k.at(0.3f), 0.35f);
  ch.attach(k.at(0.3f), c.a, off);
  const float t_end = falls_off ? 0.55f : 0.72f;
  const Vec2 p1 = {p0.x + s * dist, p0.y};
  ch.move_item(c.a, k.at(0.3f), k.at(t_end), p1, falls_off ? Ease::kIn : Ease::kSmooth);
  ch.attach(k.at(t_end), -1);
  if (falls_off) {
    ItemTracks& it = ch.item(c.a);
    const float t2 = std::min(k.last(), k.at(t_end) + 8.0f);
    it.x.key(t2, p1.x + s * 0.1f * c.w, Ease::kOut);
    it.y.key(k.at(t_end), p1.y, Ease::kStep);
    it.y.key(t2, c.h + 3.0f * c.ra, Ease::kIn);
    it.angle.key(k.at(t_end), 0.0f, Ease::kStep);
    it.angle.key(t2, s * c.rng().uniform(1.0f, 2.5f), Ease::kLinear);
  }
  ch.retreat(k.at(t_end + 0.05f), k.at(1.0f));
}

void script(Ctx& c) {
  SceneKit& k = c.kit;
  Choreography& ch = c.ch();
  Rng& rng = c.rng();
  const Stage& st = c.st();
  const Act act = c.plan.act;
  const float w = c.w, h = c.h;
  switch (act) {
    case Act::kMoveUp:
    case Act::kMoveDown: {
      const float d = rng.uniform(0.2f, 0.3f) * h;
      const float y_top = st.horizon + 0.4f * c.ra, y_bot = h - c.ra - 2.0f;
      const Vec2 p = act == Act::kMoveUp ? c.place(c.ra, -1e9f, 1e9f, std::min(y_bot, y_top + d), y_bot)
                                         : c.place(c.ra, -1e9f, 1e9f, y_top, std::max(y_top, y_bot - d));
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      const Vec2 to = {p.x + rng.uniform(-3.0f, 3.0f),
                       std::clamp(p.y + (act == Act::kMoveUp ? -d : d), y_top, y_bot)};
      c.reserve(to, c.ra);
      carry(c, c.a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
      break;
    }
    case Act::kMoveCloser: {
      place_pair(c);
      const Vec2 pa = ch.item_pos(c.a, 0), pb = ch.item_pos(c.b, 0);
      Vec2 d = pa - pb;
      d = d * (1.0f / std::max(1.0f, length(d)));
      const Vec2 to = pb + d * (c.ra + c.rb + rng.uniform(2.0f, 5.0f));
      c.reserve(to, c.ra);
      carry(c, c.a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
      break;
    }
    case Act::kMoveAway: {
      const Vec2 pb = c.place(c.rb, w * 0.3f, w * 0.7f);
      c.b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
      const float gap = c.ra + c.rb + rng.uniform(2.0f, 5.0f);
      const float s = c.free_side(pb, gap + 0.3f * w, c.ra);
      const Vec2 pa = {pb.x + s * gap, std::clamp(pb.y + rng.uniform(-3.0f, 3.0f), st.horizon + 0.4f * c.ra,
                                                   h - c.ra - 2.0f)};
      c.a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
      float dist = rng.uniform(0.28f, 0.4f) * w;
      while (dist > 0.1f * w && !on_table(st, {pa.x + s * dist, pa.y}, c.ra)) dist -= 2.0f;
      const Vec2 to = {pa.x + s * dist, pa.y};
      c.reserve(to, c.ra);
      carry(c, c.a, to, 0.0f, Mode::kPlace, kCarriedZ, kBaseZ + 1.0f);
      break;
    }
    case Act::kPutOnTop: case Act::kPutNextTo: case Act::kPutBehind: case Act::kPutInFront:
    case Act::kPretendPutNextTo: case Act::kHoldNextTo: case Act::kHoldInFront: case Act::kHoldBehind: {
      place_pair(c);
      const Vec2 pb = ch.item_pos(c.b, 0);
      const Act rel = act == Act::kPretendPutNextTo ? Act::kPutNextTo : act;
      Vec2 to = relation_target(c, rel, pb);
      const bool behind = rel == Act::kPutBehind || rel == Act::kHoldBehind;
      const bool hold = act == Act::kHoldNextTo || act == Act::kHoldInFront || act == Act::kHoldBehind;
      if (act == Act::kHoldNextTo) to.y -= rng.uniform(0.05f, 0.15f) * h;  // held up beside it
      c.reserve(to, c.ra);
      const float bz = kBaseZ + 0.5f;
      const float z_final = behind ? bz - 1.0f : (rel == Act::kPutNextTo || rel == Act::kHoldNextTo ? kBaseZ + 1.0f
                                                                                                  : bz + 1.0f);
      if (behind) ch.hand_depth(k.at(0.33f), bz - 0.5f);
      carry(c, c.a, to, 0.12f * h, act == Act::kPretendPutNextTo ? Mode::kPretend : (hold ? Mode::kHold : Mode::kPlace),
            behind ? bz - 1.0f : kCarriedZ, z_final);
      if (behind && !hold) ch.hand_depth(k.at(1.0f), 100.0f);
      break;
    }
    case Act::kPushRight: case Act::kPushLeft: {
      const float s = act == Act::kPushRight ? 1.0f : -1.0f;
      const float dist = rng.uniform(0.2f, 0.32f) * w;
      const float lo = s > 0 ? -1e9f : w * 0.1f + dist, hi = s > 0 ? w * 0.9f - dist : 1e9f;
      const Vec2 p = c.place(c.ra, lo, hi);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      float d = dist;
      while (d > 0.08f * w && !on_table(st, {p.x + s * d, p.y}, c.ra)) d -= 2.0f;
      c.reserve({p.x + s * d, p.y}, c.ra);
      push(c, s, d, false);
      break;
    }
    case Act::kPushOff: {
      const float s = static_cast<float>(st.edge_side);
      const float near = s > 0 ? st.table_end - c.ra - 2.0f : st.table_end + c.ra + 2.0f;
      const Vec2 p = s > 0 ? c.place(c.ra, near - 0.35f * w, near - 0.12f * w) : c.place(c.ra, near + 0.12f * w, near + 0.35f * w);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      push(c, s, std::fabs(st.table_end - p.x) + 0.2f * c.ra, true);
      break;
    }
    case Act::kPretendPush: {
      const Vec2 p = c.place(c.ra, w * 0.2f, w * 0.8f);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      const float s = rng.sign();
      Vec2 sh = k.stage().shoulder;
      if (s * (sh.x - 0.5f * w) > 0.2f * w) k.set_shoulder({w - sh.x, sh.y});
      const float rp = k.palm_radius();
      const Vec2 near = {p.x - s * (c.ra + 1.5f * rp), p.y};
      ch.reach(k.at(0.0f), k.at(0.3f), near);
      ch.grip(k.at(0.2f), k.at(0.3f), 0.35f);
      // Nudges that stop short of the object.
      ch.move_hand(k.at(0.3f), k.at(0.42f), {near.x + s * 0.5f * rp, near.y});
      ch.move_hand(k.at(0.42f), k.at(0.52f), near);
      ch.move_hand(k.at(0.52f), k.at(0.64f), {near.x + s * 0.5f * rp, near.y});
      ch.move_hand(k.at(0.64f), k.at(0.72f), near);
      ch.retreat(k.at(0.75f), k.at(1.0f));
      break;
    }
    case Act::kLiftHold: case Act::kLiftDrop: case Act::kFailLift: {
      const Vec2 p = c.place(c.ra, -1e9f, 1e9f, st.horizon + 0.25f * h);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      ch.reach(k.at(0.0f), k.at(0.25f), ch.grasp_point(c.a, p));
      ch.grip(k.at(0.25f), k.at(0.33f), 1.0f);
      ch.attach(k.at(0.33f), c.a);
      ch.item(c.a).z.key(k.at(0.33f), kCarriedZ, Ease::kStep);
      if (act == Act::kLiftHold) {
        const Vec2 up = {p.x, std::max(c.ra + 2.0f, p.y - rng.uniform(0.3f, 0.42f) * h)};
        ch.move_item(c.a, k.at(0.33f), k.at(0.62f), up);
        wobble(c, c.a, k.at(0.62f));
      } else if (act == Act::kLiftDrop) {
        const Vec2 up = {p.x, p.y - rng.uniform(0.12f, 0.18f) * h};
        ch.move_item(c.a, k.at(0.33f), k.at(0.52f), up);
        ch.attach(k.at(0.6f), -1);
        ch.grip(k.at(0.6f), k.at(0.64f), 0.0f);
        ch.move_item(c.a, k.at(0.6f), k.at(0.7f), p, Ease::kIn);
        ch.move_item(c.a, k.at(0.7f), k.at(0.74f), {p.x, p.y - 1.5f}, Ease::kOut);
        ch.move_item(c.a, k.at(0.74f), k.at(0.78f), p, Ease::kIn);
        ch.item(c.a).z.key(k.at(0.7f), kBaseZ + 1.0f, Ease::kStep);
        ch.move_hand(k.at(0.62f), k.at(0.7f), ch.grasp_point(c.a, {up.x, up.y - 3.0f}));
        ch.retreat(k.at(0.7f), k.at(1.0f));
      } else {
        // It rises a pixel or two, then settles back; the hand slips upwards alone.
        ch.move_item(c.a, k.at(0.33f), k.at(0.45f), {p.x, p.y - rng.uniform(1.0f, 2.5f)});
        ch.move_item(c.a, k.at(0.45f), k.at(0.52f), p, Ease::kIn);
        ch.attach(k.at(0.52f), -1);
        ch.item(c.a).z.key(k.at(0.52f), kBaseZ + 1.0f, Ease::kStep);
        ch.grip(k.at(0.52f), k.at(0.6f), 0.2f);
        ch.move_hand(k.at(0.52f), k.at(0.62f), ch.grasp_point(c.a, {p.x, p.y - 0.09f * h}));
        ch.retreat(k.at(0.65f), k.at(1.0f));
      }
      break;
    }
    case Act::kTurnCw: case Act::kTurnCcw: case Act::kPretendTurn: {
      const Vec2 p = c.place(c.ra, w * 0.15f, w * 0.85f);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      ch.reach(k.at(0.0f), k.at(0.25f), ch.grasp_point(c.a, p));
      ch.grip(k.at(0.25f), k.at(0.33f), act == Act::kPretendTurn ? 0.7f : 1.0f);
      if (act == Act::kPretendTurn) {
        const float s = rng.sign();
        const Vec2 g = ch.grasp_point(c.a, p);
        const Vec2 g1 = p + rotate(g - p, s * 0.35f), g2 = p + rotate(g - p, s * 0.7f);
        ch.move_hand(k.at(0.33f), k.at(0.45f), g1, Ease::kLinear);
        ch.move_hand(k.at(0.45f), k.at(0.58f), g2, Ease::kSmooth);
        ch.move_hand(k.at(0.58f), k.at(0.7f), g);
      } else {
        const float s = act == Act::kTurnCw ? 1.0f : -1.0f;
        ch.attach(k.at(0.33f), c.a);
        ItemTracks& it = ch.item(c.a);
        it.angle.key(k.at(0.33f), 0.0f, Ease::kStep);
        it.angle.key(k.at(0.7f), s * rng.uniform(1.2f, 2.2f), Ease::kSmooth);
        ch.attach(k.at(0.7f), -1);
      }
      ch.grip(k.at(0.7f), k.at(0.78f), 0.0f);
      ch.retreat(k.at(0.78f), k.at(1.0f));
      break;
    }
    case Act::kDropOnto: case Act::kDropNextTo: case Act::kDropBehind: {
      const Vec2 pb = c.place(c.rb, w * 0.2f, w * 0.8f, st.horizon + 0.3f * h);
      c.b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
      const Vec2 to = relation_target(c, act, pb);
      c.reserve(to, c.ra);
      const Vec2 hold = {to.x + rng.uniform(-3.0f, 3.0f), std::max(c.ra + 2.0f, to.y - rng.uniform(0.25f, 0.35f) * h)};
      const Vec2 sh = k.stage().shoulder;
      Vec2 dir = sh - hold;
      dir = dir * (1.0f / std::max(1.0f, length(dir)));
      const Vec2 start = hold + dir * (0.75f * length(sh - hold));  // off the frame, with the hand
      const float z = act == Act::kDropBehind ? kBaseZ : (act == Act::kDropOnto ? kBaseZ + 1.5f : kCarriedZ);
      c.a = k.add_item(object_paint(c.plan.a, rng), 1.15f, c.ra, start, z);
      k.taken().pop_back();  // it starts off the table; its landing place is reserved above
      ch.reach(k.at(0.0f), k.at(0.0f), start);
      ch.grip(k.at(0.0f), k.at(0.0f), 1.0f);
      ch.attach(k.at(0.0f), c.a);
      ch.move_item(c.a, k.at(0.0f), k.at(0.4f), hold);
      ch.attach(k.at(0.5f), -1);
      ch.grip(k.at(0.5f), k.at(0.55f), 0.0f);
      ch.move_item(c.a, k.at(0.5f), k.at(0.62f), to, Ease::kIn);
      if (act == Act::kDropNextTo) ch.item(c.a).z.key(k.at(0.62f), kBaseZ + 1.0f, Ease::kStep);
      ch.retreat(k.at(0.56f), k.at(0.95f));
      break;
    }
    case Act::kCover: case Act::kPretendCover: {
      const Vec2 pa = c.place(c.ra, w * 0.15f, w * 0.85f);
      c.a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
      const Vec2 pb = c.place(c.rb);
      c.b = c.add(c.plan.b, pb, kBaseZ + 0.5f);
      const Vec2 to = {pa.x + rng.uniform(-1.0f, 1.0f), pa.y + rng.uniform(-1.0f, 1.0f)};
      carry(c, c.b, to, 0.12f * h, act == Act::kCover ? Mode::kPlace : Mode::kPretend, kCarriedZ, kBaseZ + 5.0f);
      break;
    }
    case Act::kUncover: {
      const float rc = c.radius(c.plan.cover);
      const Vec2 pa = c.place(rc, w * 0.15f, w * 0.85f);
      c.a = c.add(c.plan.a, pa, kBaseZ + 1.0f);
      const int cover = c.add(c.plan.cover, {pa.x + rng.uniform(-1.0f, 1.0f), pa.y + rng.uniform(-1.0f, 1.0f)},
                              kBaseZ + 5.0f);
      const Vec2 to = c.place(rc);
      c.reserve(to, rc);
      carry(c, cover, to, 0.12f * h, Mode::kPlace, kCarriedZ, kBaseZ + 0.5f);
      break;
    }
    case Act::kCamApproach: case Act::kCamAway: case Act::kCamLeft: case Act::kCamRight: {
      const Vec2 p = c.place(c.ra, w * 0.3f, w * 0.7f, -1e9f, h * 0.8f);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      CameraTracks& cam = ch.camera();
      const Vec2 centre = {0.5f * w, 0.5f * h};
      const Vec2 focus = (p - centre) * 0.85f;
      if (act == Act::kCamLeft || act == Act::kCamRight) {
        const float s = act == Act::kCamRight ? 1.0f : -1.0f;
        cam.pan_x.key(k.at(0.0f), 0.0f, Ease::kStep);
        cam.pan_x.key(k.at(1.0f), s * rng.uniform(0.18f, 0.28f) * w);
      } else {
        const float zoom = rng.uniform(1.45f, 1.8f);
        const bool in = act == Act::kCamApproach;
        cam.zoom.key(0.0f, in ? 1.0f : zoom, Ease::kStep);
        cam.zoom.key(k.at(0.0f), in ? 1.0f : zoom, Ease::kStep);
        cam.zoom.key(k.at(1.0f), in ? zoom : 1.0f);
        cam.pan_x.key(0.0f, in ? 0.0f : focus.x, Ease::kStep), cam.pan_y.key(0.0f, in ? 0.0f : focus.y, Ease::kStep);
        cam.pan_x.key(k.at(0.0f), in ? 0.0f : focus.x, Ease::kStep);
        cam.pan_y.key(k.at(0.0f), in ? 0.0f : focus.y, Ease::kStep);
        cam.pan_x.key(k.at(1.0f), in ? focus.x : 0.0f), cam.pan_y.key(k.at(1.0f), in ? focus.y : 0.0f);
      }
      break;
    }
    case Act::kPokeLight: case Act::kPokeMove: {
      const Vec2 p = c.place(c.ra, w * 0.2f, w * 0.8f);
      c.a = c.add(c.plan.a, p, kBaseZ + 1.0f);
      const Vec2 touch = ch.grasp_point(c.a, p);
      Vec2 dir = p - k.stage().shoulder;
      dir = dir * (1.0f / std::max(1.0f, length(dir)));
      const float rp = k.palm_radius();
      ch.reach(k.at(0.0f), k.at(0.3f), touch - dir * rp);
      ch.grip(k.at(0.15f), k.at(0.3f), 0.55f);
      ch.move_hand(k.at(0.3f), k.at(0.4f), touch, Ease::kOut);
      if (act == Act::kPokeMove) {
        const Vec2 to = p + dir * (rng.uniform(0.04f, 0.07f) * w);
        ch.move_item(c.a, k.at(0.4f), k.at(0.52f), to, Ease::kOut);
        c.reserve(to, c.ra);
      }
      ch.move_hand(k.at(0.4f), k.at(0.52f), touch - dir * rp);
      ch.retreat(k.at(0.55f), k.at(0.95f));
      break;
    }
  }
}

class SsSet final : public DatasetKind {
 public:
  SsSet() {
    for (const Category& c : kCategories) classes_.push_back({c.template_text, c.group});
    sort_classes(classes_);
    for (const ClassInfo& ci : classes_)
      for (const Category& c : kCategories)
        if (ci.template_text == c.template_text) acts_.push_back(c.act);
  }
  std::string name() const override { return "synth-ss"; }
  const std::vector<ClassInfo>& classes() const override { return classes_; }
  SplitSizes default_splits() const override { return {1020, 170, 170}; }

  VideoLabel label(uint64_t seed, uint64_t index, int cls) const override {
    const Plan p = make_plan(seed, index, act_of(cls));
    VideoLabel l;
    l.class_index = cls;
    l.template_text = classes_[static_cast<size_t>(cls)].template_text;
    const int n = count_placeholders(l.template_text);
    l.placeholders.push_back(phrase(p.a));
    if (n == 2) l.placeholders.push_back(phrase(p.b));
    l.caption = fill_template(l.template_text, l.placeholders);
    return l;
  }

  Scene scene(uint64_t seed, uint64_t index, int cls, int width, int height) const override {
    const Plan p = make_plan(seed, index, act_of(cls));
    Rng rng(stream_seed(seed, index, 2));
    SceneKit kit(rng, width, height);
    Ctx c{kit, p};
    c.ra = c.radius(p.a), c.rb = c.radius(p.b);
    c.w = static_cast<float>(width), c.h = static_cast<float>(height);
    script(c);
    for (const ObjectSpec& d : p.distractors) c.add(d, c.place(c.radius(d)), kBaseZ);
    return kit.finish();
  }

 private:
  Act act_of(int cls) const {
    if (cls < 0 || cls >= static_cast<int>(acts_.size()))
      throw std::out_of_range("synth-ss: class index " + std::to_string(cls) + " out of range");
    return acts_[static_cast<size_t>(cls)];
  }
  std::vector<ClassInfo> classes_;
  std::vector<Act> acts_;
};

}  // namespace

std::unique_ptr<DatasetKind> make_ss_set() { return std::make_unique<SsSet>(); }

}  // namespace grain::data::synth
