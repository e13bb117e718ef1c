// synth-kitchen: using / pretending to use / trying but failing with four
// utensils, plus doing other things.
//
// Design decision: every scene holds a utensil, a food and an unused
// "negative" utensil or food, whatever the class; the three classes of a
// utensil share the same approach and differ only in contact and its effect
// (the food comes along / the utensil stops short / the food rises a little
// and falls back, or for the knife: the food splits / no contact / the blade
// saws on top without cutting). Recognising objects therefore tells you the
// utensil at best, never the class.
#include "kitchen_set.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "class_table.h"
#include "kitchen_objects.h"
#include "scene_kit.h"

namespace grain::data::synth {
namespace {

enum class Mode { kUse, kPretend, kFail, kOther };

struct KitchenClass {
  std::string template_text;
  std::string group;
  Utensil utensil;
  Mode mode;
};

// How the templates name a utensil and what it is for.
struct UtensilWords {
  Utensil utensil;
  const char* tool;    // "a fork"
  const char* action;  // "pick [something] up"
};

const UtensilWords kUtensilWords[] = {
    {Utensil::kFork, "a fork", "pick [something] up"},
    {Utensil::kSpoon, "a spoon", "pick [something] up"},
    {Utensil::kTongs, "tongs", "pick [something] up"},
    {Utensil::kKnife, "a knife", "cut [something]"},
};

// Using / pretending to use / trying but failing with each utensil, one group per utensil,
// plus "Doing other things" (whose utensil is drawn per video).
std::vector<KitchenClass> kitchen_classes() {
  std::vector<KitchenClass> classes;
  for (const UtensilWords& u : kUtensilWords) {
    const std::string tool = u.tool, action = u.action, group = "Doing things with " + tool;
    classes.push_back({"Using " + tool + " to " + action, group, u.utensil, Mode::kUse});
    classes.push_back({"Pretending to use " + tool + " to " + action, group, u.utensil, Mode::kPretend});
    classes.push_back({"Trying but failing to " + action + " with " + tool, group, u.utensil, Mode::kFail});
  }
  classes.push_back({"Doing other things", "Doing other things", Utensil::kFork, Mode::kOther});
  return classes;
}

struct Plan {
  Utensil utensil;
  Mode mode;
  int food;
  bool negative_is_utensil;
  Utensil negative_utensil;
  int negative_food;
  int other_variant;  // what the hand does in "Doing other things"
};

Plan make_plan(uint64_t seed, uint64_t index, const KitchenClass& k) {
  Rng rng(kernels::synth_stream_seed(seed, index, kernels::kSynthPlanPurpose));
  Plan p;
  p.mode = k.mode;
  p.utensil = k.mode == Mode::kOther ? static_cast<Utensil>(rng.below(kNumUtensils)) : k.utensil;
  p.food = rng.below(kNumFoods);
  if (p.utensil == Utensil::kKnife && p.food == 5) p.food = 4;  // cut a sausage, not a meatball
  p.negative_is_utensil = rng.chance(0.5f);
  do p.negative_utensil = static_cast<Utensil>(rng.below(kNumUtensils));
  while (p.negative_utensil == p.utensil);
  do p.negative_food = rng.below(kNumFoods);
  while (p.negative_food == p.food);
  p.other_variant = rng.below(4);
  return p;
}

constexpr float kBaseZ = 10.0f, kCarriedZ = 50.0f;

class KitchenScript {
 public:
  KitchenScript(SceneKit& kit, const Plan& plan) : k_(kit), ch_(kit.ch()), rng_(kit.rng()), p_(plan) {
    w_ = static_cast<float>(kit.stage().width), h_ = static_cast<float>(kit.stage().height);
    u2p_ = 0.085f * h_ * rng_.uniform(0.95f, 1.05f);
    rf_ = 0.1f * h_ * rng_.uniform(0.92f, 1.08f);
  }

  void run() {
    const Stage& st = k_.stage();
    // The food in the middle, the utensil lying to one side, the negative item anywhere else.
    food_pos_ = k_.place(rf_, {.x_min = w_ * 0.38f, .x_max = w_ * 0.62f, .y_min = st.horizon + 0.3f * h_});
    food_ = k_.add_item(food_paint(p_.food, rng_), 1.1f, rf_, food_pos_, kBaseZ);
    side_ = rng_.sign();  // the utensil lies on this side of the food
    const float len = (p_.utensil == Utensil::kTongs ? 1.7f : 1.0f) * 1.8f * u2p_;
    const float ux = food_pos_.x + side_ * (rf_ + len + rng_.uniform(3.0f, 8.0f));
    const float uy = std::clamp(food_pos_.y + rng_.uniform(-0.1f, 0.15f) * h_, st.horizon + 4.0f, h_ - 5.0f);
    lie_angle_ = (p_.utensil == Utensil::kKnife ? 0.0f : (side_ < 0 ? 0.0f : kPi)) + rng_.uniform(-0.2f, 0.2f);
    Vec2 upos = {ux, uy};
    if (p_.utensil == Utensil::kTongs) upos = upos - rotate({1.7f * u2p_, 0.0f}, lie_angle_);  // origin is the hinge
    add_utensil(upos);
    add_negative();
    if (p_.mode == Mode::kOther) other_things();
    else if (p_.utensil == Utensil::kKnife) cut();
    else pick_up();
  }

 private:
  void add_utensil(Vec2 pos) {
    Rng look(rng_.next_u64());
    const Paint paint = utensil_paint(p_.utensil, look);
    const float ext = utensil_extent(p_.utensil);
    if (p_.utensil == Utensil::kTongs) {
      arms_[0] = k_.add_item(paint, ext, u2p_, pos, kBaseZ + 1.0f, lie_angle_ - 0.08f);
      arms_[1] = k_.add_item_like(arms_[0], pos, kBaseZ + 1.0f, lie_angle_ + 0.08f);
    } else {
      arms_[0] = k_.add_item(paint, ext, u2p_, pos, kBaseZ + 1.0f, lie_angle_);
      arms_[1] = -1;
    }
  }

  void add_negative() {
    Rng look(rng_.next_u64());
    if (p_.negative_is_utensil) {
      const Utensil u = p_.negative_utensil;
      const float r = (u == Utensil::kTongs ? 3.4f : 1.8f) * u2p_ * 0.5f;
      Vec2 pos = k_.place(r);
      const float a = rng_.uniform(-0.4f, 0.4f) + (rng_.chance(0.5f) ? kPi : 0.0f);
      if (u == Utensil::kTongs) pos = pos - rotate({1.7f * u2p_, 0.0f}, a);
      const int i = k_.add_item(utensil_paint(u, look), utensil_extent(u), u2p_, pos, kBaseZ - 1.0f, a - 0.08f);
      if (u == Utensil::kTongs) k_.add_item_like(i, pos, kBaseZ - 1.0f, a + 0.08f);
      negative_ = i;
    } else {
      negative_ = k_.add_item(food_paint(p_.negative_food, look), 1.1f, rf_, k_.place(rf_), kBaseZ - 1.0f);
    }
  }

  // The utensil (both arms for tongs) moves so that pose (position of item 0, angle) is reached at t1.
  void pose_utensil(float t0, float t1, Vec2 pos, float angle, float open = -1.0f, Ease e = Ease::kSmooth) {
    for (int j = 0; j < 2; ++j) {
      const int i = arms_[j];
      if (i < 0) continue;
      ItemTracks& it = ch_.item(i);
      const float a0 = it.angle.at(t0);
      const float half = open >= 0 ? 0.5f * open : 0.5f * std::fabs(ch_.item(arms_[1] >= 0 ? arms_[1] : i).angle.at(t0) -
                                                                    ch_.item(arms_[0]).angle.at(t0));
      ch_.move_item(i, t0, t1, pos, e);
      it.angle.key(t0, a0, Ease::kStep);
      it.angle.key(t1, angle + (arms_[1] < 0 ? 0.0f : (j == 0 ? -half : half)), e);
    }
  }
  void utensil_z(float t, float z) {
    for (int i : arms_)
      if (i >= 0) ch_.item(i).z.key(t, z, Ease::kStep);
  }
  Vec2 utensil_pos(float t) const { return ch_.item_pos(arms_[0], t); }
  // Item-0 position that puts the utensil's tip at `tip` with angle a (tongs: between the arms' tips).
  Vec2 pos_for_tip(Vec2 tip, float a) const { return tip - rotate(utensil_tip(p_.utensil) * u2p_, a); }

  void grab_utensil() {
    const Vec2 pos = utensil_pos(0);
    const Vec2 off = rotate(utensil_handle(p_.utensil) * u2p_, ch_.item(arms_[0]).angle.at(0));
    ch_.reach(k_.at(0.0f), k_.at(0.18f), pos + off);
    ch_.grip(k_.at(0.18f), k_.at(0.24f), 1.0f);
    ch_.attach(k_.at(0.24f), arms_[0], off);
    utensil_z(k_.at(0.24f), kCarriedZ);
  }

  void pick_up() {
    grab_utensil();
    const float a = side_ < 0 ? 0.85f : kPi - 0.85f;  // pointing down at the food from the utensil's side
    const Vec2 above = {food_pos_.x, food_pos_.y - rf_ - 0.12f * h_};
    const bool tongs = p_.utensil == Utensil::kTongs;
    pose_utensil(k_.at(0.24f), k_.at(0.42f), pos_for_tip(above, a), a, tongs ? 0.5f : -1.0f);  // tongs open on the way
    const Vec2 contact = {food_pos_.x, food_pos_.y - 0.3f * rf_};
    const Vec2 hover = {food_pos_.x, food_pos_.y - rf_ - 0.05f * h_};
    const Vec2 low = p_.mode == Mode::kPretend ? hover : contact;
    pose_utensil(k_.at(0.42f), k_.at(0.52f), pos_for_tip(low, a), a, tongs ? 0.5f : -1.0f);
    if (tongs) pose_utensil(k_.at(0.52f), k_.at(0.57f), pos_for_tip(low, a), a, p_.mode == Mode::kPretend ? 0.04f : 0.3f);
    // Lift: the food comes along (use), stays (pretend) or rises a little and falls back (fail).
    const Vec2 lift = {rng_.uniform(-3.0f, 3.0f), -(rf_ + 0.2f * h_)};
    pose_utensil(k_.at(0.58f), k_.at(0.76f), pos_for_tip(low + lift, a), a, tongs ? (p_.mode == Mode::kPretend ? 0.04f : 0.3f) : -1.0f);
    ch_.item(food_).z.key(k_.at(0.42f), kCarriedZ - 1.0f, Ease::kStep);
    if (p_.mode == Mode::kUse) {
      ch_.move_item(food_, k_.at(0.58f), k_.at(0.76f), food_pos_ + lift);
    } else if (p_.mode == Mode::kFail) {
      ch_.move_item(food_, k_.at(0.58f), k_.at(0.64f), food_pos_ + Vec2{0.0f, -0.05f * h_});
      ch_.move_item(food_, k_.at(0.64f), k_.at(0.7f), food_pos_, Ease::kIn);
      ch_.item(food_).z.key(k_.at(0.7f), kBaseZ, Ease::kStep);
    } else {
      ch_.item(food_).z.key(k_.at(0.6f), kBaseZ, Ease::kStep);
    }
    hold_until_end(k_.at(0.76f), p_.mode == Mode::kUse);
  }

  void cut() {
    grab_utensil();
    const float a = rng_.uniform(-0.08f, 0.08f);
    const Vec2 above = {food_pos_.x, food_pos_.y - rf_ - 0.1f * h_};
    pose_utensil(k_.at(0.24f), k_.at(0.42f), pos_for_tip(above, a), a);
    const float top = food_pos_.y - 0.75f * rf_;
    const float saw = 0.25f * u2p_;
    // Strokes: down through the food (use), in the air (pretend) or on its top (fail).
    const int strokes = 4;
    const float t0 = k_.at(0.42f), t1 = k_.at(0.72f);
    for (int s = 0; s < strokes; ++s) {
      const float u = static_cast<float>(s + 1) / strokes;
      float y = top;
      if (p_.mode == Mode::kUse) y = top + u * (1.55f * rf_);
      if (p_.mode == Mode::kPretend) y = top - 0.08f * h_;
      if (p_.mode == Mode::kFail) y = top + 0.5f;
      const Vec2 tip = {food_pos_.x + ((s % 2) ? -saw : saw), y};
      const float ta = t0 + (t1 - t0) * static_cast<float>(s) / strokes, tb = t0 + (t1 - t0) * u;
      pose_utensil(ta, tb, pos_for_tip(tip, a), a, -1.0f, Ease::kLinear);
      if (p_.mode == Mode::kFail)
        ch_.move_item(food_, ta, tb, food_pos_ + Vec2{(s % 2) ? -0.6f : 0.6f, 0.0f}, Ease::kLinear);
    }
    if (p_.mode == Mode::kFail) ch_.move_item(food_, t1, t1 + 2.0f, food_pos_);
    if (p_.mode == Mode::kUse) {
      ItemTracks& f = ch_.item(food_);
      f.split.key(t1, 0.0f, Ease::kStep);
      f.split.key(k_.at(0.8f), rng_.uniform(0.18f, 0.3f), Ease::kOut);
    }
    pose_utensil(k_.at(0.76f), k_.at(0.9f), pos_for_tip(above + Vec2{side_ * 0.1f * w_, -0.05f * h_}, a), a);
    hold_until_end(k_.at(0.9f), false);
  }

  // Small drift of the held utensil (and the food on it) to the end of the video.
  void hold_until_end(float t0, bool with_food) {
    const float end = k_.last();
    if (t0 >= end) return;
    const Vec2 d = {rng_.uniform(-2.0f, 2.0f), rng_.uniform(-2.0f, 2.0f)};
    for (int i : arms_)
      if (i >= 0) ch_.move_item(i, t0, end, ch_.item_pos(i, t0) + d);
    if (with_food) ch_.move_item(food_, t0, end, ch_.item_pos(food_, t0) + d);
  }

  void other_things() {
    const float rp = k_.palm_radius();
    switch (p_.other_variant) {
      case 0: {  // push the food a little with the hand
        const Vec2 touch = ch_.grasp_point(food_, food_pos_);
        Vec2 dir = food_pos_ - k_.stage().shoulder;
        dir = dir * (1.0f / std::max(1.0f, length(dir)));
        ch_.reach(k_.at(0.0f), k_.at(0.3f), touch);
        ch_.grip(k_.at(0.2f), k_.at(0.3f), 0.3f);
        ch_.attach(k_.at(0.3f), food_, touch - food_pos_);
        ch_.move_item(food_, k_.at(0.3f), k_.at(0.6f), food_pos_ + dir * (0.08f * w_));
        ch_.attach(k_.at(0.6f), -1);
        ch_.retreat(k_.at(0.62f), k_.at(1.0f));
        break;
      }
      case 1: {  // pick the negative item up and put it somewhere else
        const Vec2 p0 = ch_.item_pos(negative_, 0);
        const Vec2 to = k_.place(rf_);
        ch_.reach(k_.at(0.0f), k_.at(0.25f), ch_.grasp_point(negative_, p0));
        ch_.grip(k_.at(0.25f), k_.at(0.32f), 1.0f);
        ch_.attach(k_.at(0.32f), negative_);
        ch_.item(negative_).z.key(k_.at(0.32f), kCarriedZ, Ease::kStep);
        ch_.move_item(negative_, k_.at(0.32f), k_.at(0.7f), to);
        if (p_.negative_is_utensil && p_.negative_utensil == Utensil::kTongs)
          ch_.move_item(negative_ + 1, k_.at(0.32f), k_.at(0.7f), to);
        ch_.attach(k_.at(0.7f), -1);
        ch_.grip(k_.at(0.7f), k_.at(0.76f), 0.0f);
        ch_.retreat(k_.at(0.76f), k_.at(1.0f));
        break;
      }
      case 2: {  // the hand passes over the table and leaves
        const float y = k_.stage().horizon + rng_.uniform(0.1f, 0.4f) * h_;
        ch_.reach(k_.at(0.0f), k_.at(0.3f), {w_ * rng_.uniform(0.2f, 0.4f), y});
        ch_.grip(k_.at(0.1f), k_.at(0.3f), rng_.uniform(0.0f, 0.6f));
        ch_.move_hand(k_.at(0.3f), k_.at(0.65f), {w_ * rng_.uniform(0.6f, 0.8f), y + rng_.uniform(-6.0f, 6.0f)});
        ch_.retreat(k_.at(0.7f), k_.at(1.0f));
        break;
      }
      default: {  // tap the table beside the utensil twice
        const Vec2 u = utensil_pos(0);
        const Vec2 spot = {std::clamp(u.x + rng_.uniform(-8.0f, 8.0f), 6.0f, w_ - 6.0f),
                           std::clamp(u.y + rng_.sign() * (2.0f * rp), k_.stage().horizon + 4.0f, h_ - 4.0f)};
        const Vec2 up = spot - Vec2{0.0f, 0.7f * rp};
        ch_.reach(k_.at(0.0f), k_.at(0.3f), up);
        ch_.grip(k_.at(0.2f), k_.at(0.3f), 0.8f);
        ch_.move_hand(k_.at(0.3f), k_.at(0.38f), spot, Ease::kIn);
        ch_.move_hand(k_.at(0.38f), k_.at(0.46f), up);
        ch_.move_hand(k_.at(0.46f), k_.at(0.54f), spot, Ease::kIn);
        ch_.move_hand(k_.at(0.54f), k_.at(0.62f), up);
        ch_.retreat(k_.at(0.65f), k_.at(1.0f));
        break;
      }
    }
  }

  SceneKit& k_;
  Choreography& ch_;
  Rng& rng_;
  const Plan& p_;
  float w_ = 0, h_ = 0, u2p_ = 0, rf_ = 0, side_ = 1, lie_angle_ = 0;
  Vec2 food_pos_;
  int food_ = -1, negative_ = -1;
  int arms_[2] = {-1, -1};
};

class KitchenSet final : public DatasetKind {
 public:
  std::string name() const override { return "synth-kitchen"; }
  const std::vector<ClassInfo>& classes() const override { return table_.classes(); }
  SplitSizes default_splits() const override { return {390, 0, 0}; }

  VideoLabel label(uint64_t seed, uint64_t index, int cls) const override {
    const Plan p = make_plan(seed, index, table_.def(cls));
    return table_.label(cls, {food_phrase(p.food)});
  }

  Scene scene(uint64_t seed, uint64_t index, int cls, int width, int height) const override {
    const Plan p = make_plan(seed, index, table_.def(cls));
    Rng rng(kernels::synth_stream_seed(seed, index, kernels::kSynthScenePurpose));
    SceneKit kit(rng, width, height);
    KitchenScript(kit, p).run();
    return kit.finish();
  }

 private:
  ClassTable<KitchenClass> table_{"synth-kitchen", kitchen_classes()};
};

}  // namespace

std::unique_ptr<DatasetKind> make_kitchen_set() { return std::make_unique<KitchenSet>(); }

}  // namespace grain::data::synth
