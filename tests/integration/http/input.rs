//! Every way a user can get a request wrong, answered with a JSON 4xx that says why,
//! never a 500 nor markup reflected back.

use axum::http::{Method, StatusCode};

use super::{assert_json_error, encode, get, router, send_to};

#[test]
fn everything_a_user_can_type_is_a_json_4xx() {
    let long = "a".repeat(10 * 1024);
    let cases: Vec<(String, StatusCode)> = vec![
        (format!("/api/search?q={long}"), StatusCode::URI_TOO_LONG),
        (
            format!("/api/search?q={}", &long[..2_000]),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/search?q=%FF".into(), StatusCode::BAD_REQUEST),
        (
            "/api/search?q=parentalit%E9".into(),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/search?%FF=1".into(), StatusCode::BAD_REQUEST),
        ("/api/search".into(), StatusCode::BAD_REQUEST),
        (
            "/api/search?q=jeunes&limit=99999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=101".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=0".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&limit=dix".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&offset=-1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&offset=10001".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&kind=roman".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/search?q=jeunes&territory=Atlantide".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=99".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=0".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/graph?entity=CAF&depth=99999999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/entities?limit=99999999999999999999".into(),
            StatusCode::BAD_REQUEST,
        ),
        (format!("/api/entities/{long}"), StatusCode::URI_TOO_LONG),
        (
            format!("/api/entities/{}", &long[..2_000]),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/nope".into(), StatusCode::NOT_FOUND),
        ("/api".into(), StatusCode::NOT_FOUND),
        ("/api/documents/".into(), StatusCode::NOT_FOUND),
    ];
    for (uri, status) in &cases {
        let a = get(uri);
        let shown: String = uri.chars().take(80).collect();
        assert_json_error(&a, *status, &shown);
    }
    // A wrong method is a JSON 405 too.
    let a = send_to(router(), Method::POST, "/api/search?q=jeunes", &[]);
    assert_eq!(
        assert_json_error(&a, StatusCode::METHOD_NOT_ALLOWED, "POST"),
        "method_not_allowed"
    );
    // The service still answers afterwards.
    assert_eq!(get("/health").status, StatusCode::OK);
    assert_eq!(get("/api/search?q=jeunes").status, StatusCode::OK);
}

#[test]
fn odd_queries_never_give_a_500_nor_reflect_markup() {
    for q in [
        "<script>alert(1)</script>",
        "\"parentalité",
        "parentalité\"\"\"",
        "((jeunes",
        "-",
        "\u{0}jeunes",
        "jeunes AND OR NOT",
        "é’«»œ",
        "*",
        "title:foo",
    ] {
        let a = get(&format!("/api/search?q={}", encode(q)));
        assert!(
            a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
            "{q:?} gave {}",
            a.status
        );
        // The query comes back as JSON data (served as application/json,
        // nosniff); what must never carry live markup is the HTML snippet.
        let v = a.json();
        for hit in v["hits"].as_array().into_iter().flatten() {
            let snippet = hit["snippet"].as_str().unwrap_or("");
            assert!(!snippet.contains("<script"), "{q:?}: {snippet}");
        }
    }
}

#[test]
fn a_query_past_the_term_budget_is_a_clear_400_answered_at_once() {
    // Under the 1,000-character limit, but 200 terms.
    let digits: Vec<String> = (0..200).map(|i| format!("{}", 100 + i * 3)).collect();
    let started = std::time::Instant::now();
    let a = get(&format!("/api/search?q={}", encode(&digits.join(" "))));
    let code = assert_json_error(&a, StatusCode::BAD_REQUEST, "200 numbers");
    assert_eq!(code, "invalid_query");
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("32 au plus"));
    // Far from the seconds it took to search them all; a generous bound for a busy machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // A long but ordinary query still searches.
    let words = "accompagner les familles dans leur parentalité avec le lieu d'accueil enfants parents et le CLAS";
    let ok = get(&format!("/api/search?q={}", encode(words)));
    assert_eq!(ok.status, StatusCode::OK);
}

#[test]
fn a_query_of_punctuation_or_emoji_says_so() {
    for q in ["?!…", "🙂🙂", "« » — ;"] {
        let a = get(&format!("/api/search?q={}", encode(q)));
        let code = assert_json_error(&a, StatusCode::BAD_REQUEST, q);
        let message = a.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            code == "invalid_query" && !message.contains("mots vides"),
            "{q}: {code} {message}"
        );
    }
    // Stop words alone are still called stop words.
    let a = get(&format!("/api/search?q={}", encode("de la les")));
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "stop words"),
        "only_stop_words"
    );
    // A word longer than any indexed one is named as such, and echoed only in part.
    let word = "parentalite".repeat(30);
    let a = get(&format!("/api/search?q=de+la+{word}"));
    assert_eq!(
        assert_json_error(&a, StatusCode::BAD_REQUEST, "long word"),
        "invalid_query"
    );
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("les mots de plus de"), "{message}");
    assert!(message.chars().count() < 150, "{message}");
    let a = get(&format!("/api/search?q={}", "les+".repeat(200)));
    let message = a.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.chars().count() < 150,
        "echoes the whole query: {message}"
    );
}
