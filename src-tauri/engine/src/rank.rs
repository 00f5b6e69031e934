//! The personal leaderboard: models ranked from the user's blind votes. Pure: votes in, ratings
//! out; nothing is stored, so deleting a vote simply changes the next leaderboard.
//!
//! A vote among N answers with a winner counts as N-1 games the winner won, one against each other
//! model; a tie counts as a draw between every two of them. Models are `provider/model` as asked
//! (a substituted answer still counts for the model that was asked for). Two panes of one model in
//! one vote count once: a model never plays itself.
//!
//! - [`RankMethod::Elo`]: votes replayed in time order, K = 32, everyone starts at 1500.
//! - [`RankMethod::BradleyTerry`]: strengths fitted to all games at once by the MM algorithm
//!   (Hunter 2004), shown on the Elo scale.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::store::Vote;

/// The rating every model starts from (Elo) and the anchor of the Bradley–Terry scale.
pub const START_RATING: f64 = 1500.0;
/// How far one Elo game moves a rating at most.
pub const ELO_K: f64 = 32.0;
/// Bradley–Terry prior: each model gets this many virtual draws against a fixed 1500 anchor, so a
/// model that never lost (or never won) keeps a finite rating and a model with few votes stays
/// near 1500.
pub const BT_PRIOR_DRAWS: f64 = 1.0;
const BT_MAX_ITERATIONS: usize = 10_000;
/// Converged when no strength moves by more than this factor in one iteration.
const BT_TOLERANCE: f64 = 1e-12;

/// How ratings are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RankMethod {
    #[default]
    Elo,
    BradleyTerry,
}

/// Ranked models, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Leaderboard {
    pub method: RankMethod,
    /// The votes counted (a vote between two panes of one model compares nothing and is left out).
    pub votes: u32,
    pub rows: Vec<LeaderboardRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LeaderboardRow {
    /// `provider/model`: what is ranked.
    pub key: String,
    pub provider: String,
    pub model: String,
    /// What to show: the model, with its provider beside it in the UI.
    pub label: String,
    /// On the Elo scale (1500 = average start) for both methods.
    pub rating: f64,
    /// Votes this model took part in (= wins + losses + ties).
    pub votes: u32,
    /// Votes it won, votes another model won, votes called a tie.
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
}

/// One vote reduced to what ranking needs: the distinct models (indices into the model table)
/// and which of them won.
struct Outcome {
    models: Vec<usize>,
    /// Index into `models`; None for a tie.
    winner: Option<usize>,
}

/// One game of two models: `score` is what `a` scored (1 win, 0.5 draw).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Game {
    a: usize,
    b: usize,
    score: f64,
}

impl Outcome {
    fn games(&self) -> Vec<Game> {
        match self.winner {
            Some(w) => {
                let winner = self.models[w];
                self.models
                    .iter()
                    .filter(|&&m| m != winner)
                    .map(|&loser| Game { a: winner, b: loser, score: 1.0 })
                    .collect()
            }
            None => {
                let mut games = Vec::new();
                for (i, &a) in self.models.iter().enumerate() {
                    for &b in &self.models[i + 1..] {
                        games.push(Game { a, b, score: 0.5 });
                    }
                }
                games
            }
        }
    }
}

/// The leaderboard of `votes` (oldest first: Elo replays them in this order).
pub fn leaderboard(votes: &[Vote], method: RankMethod) -> Leaderboard {
    let (models, outcomes) = outcomes(votes);
    let ratings = match method {
        RankMethod::Elo => elo(models.len(), &outcomes),
        RankMethod::BradleyTerry => bradley_terry(models.len(), &outcomes),
    };
    let mut rows: Vec<LeaderboardRow> = models
        .into_iter()
        .zip(ratings)
        .map(|((provider, model), rating)| LeaderboardRow {
            key: format!("{provider}/{model}"),
            label: model.clone(),
            provider,
            model,
            rating,
            votes: 0,
            wins: 0,
            losses: 0,
            ties: 0,
        })
        .collect();
    for outcome in &outcomes {
        for (i, &m) in outcome.models.iter().enumerate() {
            let row = &mut rows[m];
            row.votes += 1;
            match outcome.winner {
                None => row.ties += 1,
                Some(w) if w == i => row.wins += 1,
                Some(_) => row.losses += 1,
            }
        }
    }
    rows.sort_by(|a, b| b.rating.total_cmp(&a.rating).then(b.votes.cmp(&a.votes)).then_with(|| a.key.cmp(&b.key)));
    Leaderboard { method, votes: u32::try_from(outcomes.len()).unwrap_or(u32::MAX), rows }
}

/// The distinct models of all votes (provider, model) and each usable vote as an [`Outcome`].
/// A vote whose winner is not one of its candidates (a hand-edited row) is left out.
fn outcomes(votes: &[Vote]) -> (Vec<(String, String)>, Vec<Outcome>) {
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut models: Vec<(String, String)> = Vec::new();
    let mut out = Vec::with_capacity(votes.len());
    for vote in votes {
        let winner_key = match (vote.winner, vote.tie) {
            (Some(w), false) => match vote.candidates.get(w as usize) {
                Some(c) => Some((c.provider.as_str(), c.model.as_str())),
                None => continue,
            },
            (None, true) => None,
            _ => continue,
        };
        let mut keys: Vec<(&str, &str)> = Vec::with_capacity(vote.candidates.len());
        for c in &vote.candidates {
            let key = (c.provider.as_str(), c.model.as_str());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if keys.len() < 2 {
            continue;
        }
        let winner = winner_key.and_then(|w| keys.iter().position(|k| *k == w));
        let ids = keys
            .into_iter()
            .map(|(p, m)| {
                let key = (p.to_string(), m.to_string());
                *index.entry(key.clone()).or_insert_with(|| {
                    models.push(key);
                    models.len() - 1
                })
            })
            .collect();
        out.push(Outcome { models: ids, winner });
    }
    (models, out)
}

/// The expected score of a player rated `a` against one rated `b`.
fn expected(a: f64, b: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf((b - a) / 400.0))
}

/// Elo, one vote at a time. The games of one vote are scored against the ratings from before it,
/// so the order of the panes within a vote does not matter.
fn elo(n: usize, outcomes: &[Outcome]) -> Vec<f64> {
    let mut ratings = vec![START_RATING; n];
    for outcome in outcomes {
        let mut change = vec![0.0; n];
        for g in outcome.games() {
            let delta = ELO_K * (g.score - expected(ratings[g.a], ratings[g.b]));
            change[g.a] += delta;
            change[g.b] -= delta;
        }
        for (r, c) in ratings.iter_mut().zip(change) {
            *r += c;
        }
    }
    ratings
}

/// Bradley–Terry strengths by minorization–maximization: p_i ← W_i / Σ_j n_ij / (p_i + p_j),
/// where W_i counts wins (a draw as half a win for each side) and n_ij the games of i and j.
/// Every model also plays [`BT_PRIOR_DRAWS`] draws against an anchor of strength 1 (rating 1500),
/// which keeps every strength finite and fixes the scale. Shown as 1500 + 400·log10(p).
fn bradley_terry(n: usize, outcomes: &[Outcome]) -> Vec<f64> {
    let mut wins = vec![BT_PRIOR_DRAWS * 0.5; n];
    let mut games: HashMap<(usize, usize), f64> = HashMap::new();
    for g in outcomes.iter().flat_map(Outcome::games) {
        wins[g.a] += g.score;
        wins[g.b] += 1.0 - g.score;
        *games.entry((g.a.min(g.b), g.a.max(g.b))).or_default() += 1.0;
    }
    let pairs: Vec<((usize, usize), f64)> = games.into_iter().collect();
    let mut strength = vec![1.0_f64; n];
    for _ in 0..BT_MAX_ITERATIONS {
        let mut denominator: Vec<f64> = strength.iter().map(|p| BT_PRIOR_DRAWS / (p + 1.0)).collect();
        for &((i, j), count) in &pairs {
            let d = count / (strength[i] + strength[j]);
            denominator[i] += d;
            denominator[j] += d;
        }
        let mut moved: f64 = 0.0;
        for ((p, w), d) in strength.iter_mut().zip(&wins).zip(&denominator) {
            let next = w / d;
            moved = moved.max((next / *p).ln().abs());
            *p = next;
        }
        if moved < BT_TOLERANCE {
            break;
        }
    }
    strength.into_iter().map(|p| START_RATING + 400.0 * p.log10()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Candidate;

    fn c(model: &str) -> Candidate {
        Candidate { provider: "p".into(), model: model.into(), served_model: None, pane_label: None }
    }

    /// A vote among `models` (all on provider `p`) won by `winner`, or a tie when None.
    fn vote(models: &[&str], winner: Option<&str>) -> Vote {
        Vote {
            id: 0,
            created_at: 0,
            comparison_id: None,
            turn_id: None,
            candidates: models.iter().map(|m| c(m)).collect(),
            winner: winner.map(|w| models.iter().position(|m| *m == w).unwrap() as u32),
            tie: winner.is_none(),
            prompt: String::new(),
        }
    }

    fn row<'a>(board: &'a Leaderboard, model: &str) -> &'a LeaderboardRow {
        board.rows.iter().find(|r| r.model == model).unwrap_or_else(|| panic!("no row for {model}"))
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() < tolerance
    }

    #[test]
    fn no_votes_no_rows() {
        for method in [RankMethod::Elo, RankMethod::BradleyTerry] {
            let board = leaderboard(&[], method);
            assert_eq!((board.votes, board.rows.len(), board.method), (0, 0, method));
        }
    }

    #[test]
    fn elo_one_vote_between_two_models() {
        let board = leaderboard(&[vote(&["a", "b"], Some("b"))], RankMethod::Elo);
        assert_eq!(board.votes, 1);
        assert_eq!(board.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["p/b", "p/a"]);
        // Equal ratings expect 0.5 each: the winner gains K/2.
        assert_eq!(row(&board, "b").rating, 1516.0);
        assert_eq!(row(&board, "a").rating, 1484.0);
        let b = row(&board, "b");
        assert_eq!((b.votes, b.wins, b.losses, b.ties, b.label.as_str()), (1, 1, 0, 0, "b"));
        assert_eq!((row(&board, "a").wins, row(&board, "a").losses), (0, 1));
    }

    #[test]
    fn elo_three_way_vote_then_an_upset() {
        let votes = [vote(&["a", "b", "c"], Some("a")), vote(&["b", "a"], Some("b"))];
        let first = leaderboard(&votes[..1], RankMethod::Elo);
        // a beat b and c, both scored against the ratings before the vote: +16 twice.
        assert_eq!(row(&first, "a").rating, 1532.0);
        assert_eq!(row(&first, "b").rating, 1484.0);
        assert_eq!(row(&first, "c").rating, 1484.0);
        assert_eq!((row(&first, "c").votes, row(&first, "c").losses), (1, 1));

        let both = leaderboard(&votes, RankMethod::Elo);
        // b (1484) beats a (1532): E_b = 1/(1+10^(48/400)) = 0.431360; b gains 32·0.568640 = 18.1965.
        assert!(close(row(&both, "b").rating, 1502.1965, 1e-3), "{}", row(&both, "b").rating);
        assert!(close(row(&both, "a").rating, 1513.8035, 1e-3), "{}", row(&both, "a").rating);
        assert_eq!(row(&both, "c").rating, 1484.0, "c did not play");
        let a = row(&both, "a");
        assert_eq!((a.votes, a.wins, a.losses, a.ties), (2, 1, 1, 0));
        assert_eq!(both.rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn ties_are_draws_among_everyone() {
        let tie = leaderboard(&[vote(&["a", "b", "c"], None)], RankMethod::Elo);
        assert!(tie.rows.iter().all(|r| r.rating == 1500.0 && r.ties == 1 && r.votes == 1 && r.wins == 0));
        // A draw pulls ratings together: after a beat b (1516/1484), E_a = 0.545922 and a loses 1.4695.
        let board = leaderboard(&[vote(&["a", "b"], Some("a")), vote(&["a", "b"], None)], RankMethod::Elo);
        assert!(close(row(&board, "a").rating, 1514.5305, 1e-3), "{}", row(&board, "a").rating);
        assert!(close(row(&board, "b").rating, 1485.4695, 1e-3));
        assert_eq!(row(&board, "b").ties, 1);
    }

    #[test]
    fn the_order_of_panes_within_a_vote_does_not_matter() {
        let one = leaderboard(&[vote(&["a", "b", "c"], Some("b")), vote(&["c", "a"], None)], RankMethod::Elo);
        let two = leaderboard(&[vote(&["c", "b", "a"], Some("b")), vote(&["a", "c"], None)], RankMethod::Elo);
        assert_eq!(one, two);
    }

    #[test]
    fn a_model_never_plays_itself() {
        // Two panes of a on one side: one game a–b, not two; a vote of a against a counts for nothing.
        let board = leaderboard(&[vote(&["a", "a", "b"], Some("a")), vote(&["a", "a"], Some("a"))], RankMethod::Elo);
        assert_eq!(board.votes, 1);
        assert_eq!(row(&board, "a").rating, 1516.0);
        assert_eq!(row(&board, "a").votes, 1);
    }

    #[test]
    fn a_vote_with_a_winner_out_of_range_is_left_out() {
        let mut bad = vote(&["a", "b"], Some("a"));
        bad.winner = Some(7);
        let board = leaderboard(&[bad, vote(&["a", "b"], Some("b"))], RankMethod::BradleyTerry);
        assert_eq!(board.votes, 1);
        assert_eq!(row(&board, "b").wins, 1);
    }

    #[test]
    fn bradley_terry_one_win_solves_the_fixed_point_by_hand() {
        // a beat b once; each also drew once with the anchor (strength 1). By symmetry p_b = 1/p_a,
        // and b's equation, 0.5 = p_b/(p_a+p_b) + p_b/(p_b+1), becomes 0.5 = 1/(a²+1) + 1/(a+1):
        // a = 2.13040 (checked: 1/5.53860 + 1/3.13040 = 0.18055 + 0.31945 = 0.5000), rating 1631.38.
        let board = leaderboard(&[vote(&["a", "b"], Some("a"))], RankMethod::BradleyTerry);
        let want = 1500.0 + 400.0 * 2.13040_f64.log10();
        assert!(close(row(&board, "a").rating, want, 0.01), "{} vs {want}", row(&board, "a").rating);
        assert!(close(row(&board, "b").rating, 3000.0 - want, 0.01), "symmetric around 1500");
        assert!(close(want, 1631.38, 0.01));
    }

    #[test]
    fn bradley_terry_orders_a_known_matrix() {
        // a beats b 3–1, b beats c 3–1, a beats c 2–0: a > b > c, and with everyone's games seen
        // at once (not in time order), b's late wins do not help it over a.
        let mut votes = Vec::new();
        votes.extend(std::iter::repeat_n(vote(&["a", "b"], Some("a")), 3));
        votes.push(vote(&["a", "b"], Some("b")));
        votes.extend(std::iter::repeat_n(vote(&["b", "c"], Some("b")), 3));
        votes.push(vote(&["b", "c"], Some("c")));
        votes.extend(std::iter::repeat_n(vote(&["a", "c"], Some("a")), 2));
        let board = leaderboard(&votes, RankMethod::BradleyTerry);
        assert_eq!(board.rows.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        let (a, b, cc) = (row(&board, "a"), row(&board, "b"), row(&board, "c"));
        assert!(a.rating > b.rating + 50.0 && b.rating > cc.rating + 50.0, "{} {} {}", a.rating, b.rating, cc.rating);
        assert_eq!((a.wins, a.losses, b.wins, b.losses, cc.wins, cc.losses), (5, 1, 4, 4, 1, 5));
        // The fixed point holds: W_i = Σ_j n_ij·p_i/(p_i+p_j) + p_i/(p_i+1) for each model.
        let p = |r: &LeaderboardRow| 10f64.powf((r.rating - 1500.0) / 400.0);
        let (pa, pb, pc) = (p(a), p(b), p(cc));
        let expect_a = 4.0 * pa / (pa + pb) + 2.0 * pa / (pa + pc) + pa / (pa + 1.0);
        assert!(close(expect_a, 5.5, 1e-6), "{expect_a}");
        let expect_c = 4.0 * pc / (pc + pb) + 2.0 * pc / (pc + pa) + pc / (pc + 1.0);
        assert!(close(expect_c, 1.5, 1e-6), "{expect_c}");
    }

    #[test]
    fn a_model_with_only_wins_stays_finite() {
        let votes: Vec<Vote> = std::iter::repeat_n(vote(&["a", "b"], Some("a")), 50).collect();
        for method in [RankMethod::Elo, RankMethod::BradleyTerry] {
            let board = leaderboard(&votes, method);
            let (a, b) = (row(&board, "a"), row(&board, "b"));
            assert!(a.rating.is_finite() && b.rating.is_finite(), "{method:?}: {} {}", a.rating, b.rating);
            assert!(a.rating > 1600.0 && b.rating < 1400.0, "{method:?}: {} {}", a.rating, b.rating);
            assert_eq!((a.wins, b.losses), (50, 50));
        }
    }

    #[test]
    fn bradley_terry_of_ties_only_is_1500_for_all() {
        let board = leaderboard(&[vote(&["a", "b", "c"], None), vote(&["a", "b"], None)], RankMethod::BradleyTerry);
        assert!(board.rows.iter().all(|r| close(r.rating, 1500.0, 1e-6)), "{:?}", board.rows);
    }

    #[test]
    fn the_same_model_through_two_providers_is_two_rows() {
        let mut v = vote(&["m", "m"], Some("m"));
        v.candidates[1].provider = "router".into();
        let board = leaderboard(&[v], RankMethod::Elo);
        assert_eq!(board.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["p/m", "router/m"]);
    }

    #[test]
    fn the_method_has_its_wire_names() {
        assert_eq!(serde_json::to_string(&RankMethod::BradleyTerry).unwrap(), "\"bradley_terry\"");
        assert_eq!(serde_json::from_str::<RankMethod>("\"elo\"").unwrap(), RankMethod::Elo);
    }
}
