//! Blind votes through the app's IPC commands (Tauri's mock runtime, the real capabilities, a real
//! history file): votes tied to a recorded turn, the leaderboard by both methods, deleting and
//! clearing, malformed votes refused as the caller's mistake, and private mode keeping no prompt.

mod common;

use common::TestApp;
use juxta_app::ipc::RecordedTurn;
use juxta_engine::rank::Leaderboard;
use juxta_engine::store::Vote;
use serde_json::{json, Value};

/// A turn recorded the way `start_turn` records one before its panes start (no pane is run).
fn record_turn(fx: &TestApp, models: &[&str], prompt: &str) -> RecordedTurn {
    let panes: Vec<Value> = models
        .iter()
        .map(|m| json!({"pane_id": null, "provider": "mock", "model": m, "settings": {"params": {}}}))
        .collect();
    let turn = json!({"comparison_id": null, "prompt": prompt, "system": "", "params": {}, "panes": panes});
    let turn = serde_json::from_value(turn).unwrap();
    let recorded = tauri::async_runtime::block_on(juxta_app::commands::history::record(&fx.state(), turn));
    recorded.expect("recorded").expect("recorded (not private)")
}

fn vote(fx: &TestApp, vote: Value) -> i64 {
    fx.call("record_vote", json!({ "vote": vote }))
}

fn board(fx: &TestApp, method: &str) -> Leaderboard {
    fx.call("leaderboard", json!({ "method": method }))
}

/// A vote between mock models: `winner` indexes `models`, None is a tie.
fn ballot(models: &[&str], winner: Option<u32>) -> Value {
    let candidates: Vec<Value> = models
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"provider": "mock", "model": m, "pane_label": format!("Model {}", (b'A' + i as u8) as char)}))
        .collect();
    json!({"candidates": candidates, "winner": winner, "tie": winner.is_none(), "prompt": "Which is better?"})
}

fn keys(board: &Leaderboard) -> Vec<&str> {
    board.rows.iter().map(|r| r.key.as_str()).collect()
}

#[test]
fn votes_on_a_recorded_turn_make_the_leaderboard() {
    let fx = TestApp::with_history();
    let empty = board(&fx, "elo");
    assert_eq!((empty.votes, empty.rows.len()), (0, 0));

    let turn = record_turn(&fx, &["normal", "reasoning"], "Why is the sky blue?");
    let mut first = ballot(&["normal", "reasoning"], Some(1));
    first["comparison_id"] = json!(turn.comparison_id);
    first["turn_id"] = json!(turn.turn_id);
    first["candidates"][1]["served_model"] = json!("reasoning-2025");
    first["prompt"] = json!("Why is the sky blue?");
    let first_id = vote(&fx, first);

    let listed: Vec<Vote> = fx.call("list_votes", json!({ "limit": 10 }));
    assert_eq!(listed.len(), 1);
    let v = &listed[0];
    assert_eq!((v.id, v.comparison_id, v.turn_id), (first_id, Some(turn.comparison_id), Some(turn.turn_id)));
    assert_eq!(v.winner().map(|c| c.model.as_str()), Some("reasoning"));
    assert_eq!(v.candidates[1].served_model.as_deref(), Some("reasoning-2025"));
    assert_eq!(v.candidates[0].pane_label.as_deref(), Some("Model A"));
    assert_eq!(v.prompt, "Why is the sky blue?");

    let elo = board(&fx, "elo");
    assert_eq!(elo.votes, 1);
    assert_eq!(keys(&elo), ["mock/reasoning", "mock/normal"]);
    assert_eq!(elo.rows.iter().map(|r| r.rating).collect::<Vec<_>>(), [1516.0, 1484.0]);
    assert_eq!((elo.rows[0].wins, elo.rows[0].losses, elo.rows[1].losses), (1, 0, 1));

    // A three-way vote for normal and a tie: normal comes out on top by both methods.
    vote(&fx, ballot(&["normal", "reasoning", "slow"], Some(0)));
    vote(&fx, ballot(&["normal", "slow"], Some(0)));
    let tie_id = vote(&fx, ballot(&["reasoning", "slow"], None));
    for method in ["elo", "bradley_terry"] {
        let board = board(&fx, method);
        assert_eq!(board.votes, 4, "{method}");
        assert_eq!(keys(&board), ["mock/normal", "mock/reasoning", "mock/slow"], "{method}");
        let normal = &board.rows[0];
        assert_eq!((normal.votes, normal.wins, normal.losses, normal.ties), (3, 2, 1, 0), "{method}");
        let slow = &board.rows[2];
        assert_eq!((slow.votes, slow.wins, slow.losses, slow.ties), (3, 0, 2, 1), "{method}");
    }
    assert_ne!(board(&fx, "elo").rows[0].rating, board(&fx, "bradley_terry").rows[0].rating, "two different methods");

    fx.call::<()>("delete_vote", json!({ "id": tie_id }));
    assert_eq!(board(&fx, "elo").votes, 3);
    let gone = fx.invoke("delete_vote", json!({ "id": tie_id })).expect_err("already deleted");
    assert_eq!(gone["kind"], "invalid_request");

    let cleared: u32 = fx.call("clear_votes", json!({}));
    assert_eq!(cleared, 3);
    assert!(fx.call::<Vec<Vote>>("list_votes", json!({ "limit": 10 })).is_empty());
    assert!(board(&fx, "bradley_terry").rows.is_empty());
}

#[test]
fn malformed_votes_and_methods_are_refused() {
    let fx = TestApp::with_history();
    let err = fx.invoke("record_vote", json!({ "vote": ballot(&["normal"], Some(0)) })).expect_err("one candidate");
    assert_eq!(err["kind"], "invalid_request");
    assert!(err["message"].as_str().unwrap().contains("at least two"), "{err}");
    let err =
        fx.invoke("record_vote", json!({ "vote": ballot(&["a", "b"], Some(5)) })).expect_err("winner out of range");
    assert!(err["message"].as_str().unwrap().contains("not 5"), "{err}");
    let mut unknown = ballot(&["a", "b"], Some(0));
    unknown["comparison_id"] = json!(4242);
    let err = fx.invoke("record_vote", json!({ "vote": unknown })).expect_err("no such comparison");
    assert!(err["message"].as_str().unwrap().contains("4242"), "{err}");
    assert!(fx.invoke("leaderboard", json!({ "method": "glicko" })).is_err(), "an unknown method is refused");
    assert!(fx.call::<Vec<Vote>>("list_votes", json!({ "limit": 10 })).is_empty(), "nothing was written");
}

#[test]
fn private_mode_keeps_the_vote_but_not_the_prompt() {
    let fx = TestApp::with_history();
    fx.call::<()>("set_private_mode", json!({ "on": true }));
    let mut secret = ballot(&["a", "b"], Some(0));
    secret["prompt"] = json!("my confidential question");
    vote(&fx, secret);
    let listed: Vec<Vote> = fx.call("list_votes", json!({ "limit": 10 }));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].prompt, "");
    assert_eq!(board(&fx, "elo").votes, 1);
}
