//! The web UI in a real headless Chromium, driven through chromedriver:
//! search → a result → the "Mission Locale" entity → the glossary filtered
//! to "LAEP". Skipped, with a notice, only when the browser or its driver
//! is not installed (`.ci/install-browser` installs both).

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::fixture::shipped_index;
use maillage::query::Engine;
use maillage::server::{app, AppState};

const WAIT: Duration = Duration::from_secs(15);

fn find_binary(candidates: &[&str]) -> Option<PathBuf> {
    for name in candidates {
        let direct = Path::new(name);
        if direct.is_absolute() && direct.is_file() {
            return Some(direct.to_path_buf());
        }
        if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// Kills chromedriver however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

async fn screenshot(client: &Client, name: &str) {
    match client.screenshot().await {
        Ok(png) => {
            let path = screenshots_dir().join(format!("{name}.png"));
            std::fs::write(&path, png).expect("screenshot written");
            eprintln!("screenshot: {}", path.display());
        }
        Err(e) => eprintln!("screenshot {name} failed: {e}"),
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    let element = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    element.text().await.unwrap_or_default()
}

/// Waits until some element matching `css` has text containing `wanted`.
async fn wait_for_text(client: &Client, css: &str, wanted: &str) -> fantoccini::elements::Element {
    let started = Instant::now();
    loop {
        if let Ok(elements) = client.find_all(Locator::Css(css)).await {
            for element in elements {
                if element.text().await.unwrap_or_default().contains(wanted) {
                    return element;
                }
            }
        }
        if started.elapsed() > WAIT {
            screenshot(client, "e2e-failure").await;
            let body = client.source().await.unwrap_or_default();
            let shown: String = body.chars().take(3000).collect();
            panic!("no {css} containing {wanted:?} after {WAIT:?}; page: {shown}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[test]
fn browser_journey_through_the_ui() {
    in_browser(shipped_index(), |client, base| async move {
        journey(&client, &base).await;
    });
}

#[test]
fn browser_opens_a_pdf_hit_at_its_page_and_lists_skipped_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("corpus dir");
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    std::fs::copy(
        formats.join("print/001_f1af12ce620947bd.pdf"),
        corpus.join("cornebarrieu.pdf"),
    )
    .expect("copy");
    std::fs::write(corpus.join("scan.pdf"), crate::formats::scanned_pdf()).expect("write");
    let index = dir.path().join("index");
    maillage::pipeline::build(&corpus, &index, &|_| {}).expect("indexes");
    in_browser(&index, |client, base| async move {
        pdf_journey(&client, &base).await;
    });
}

/// Runs `journey` in a headless Chromium against a server of the index at `index`;
/// returns at once, with a notice, when the browser or its driver is missing.
fn in_browser<F, Fut>(index: &Path, journey: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (Some(chromium), Some(chromedriver)) = (
        find_binary(&["/usr/bin/chromium", "chromium", "chromium-browser"]),
        find_binary(&["/usr/bin/chromedriver", "chromedriver"]),
    ) else {
        eprintln!(
            "NOTICE: e2e browser test skipped: chromium or chromedriver is not installed (run .ci/install-browser)"
        );
        return;
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let driver_port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let engine = Engine::open(index).expect("index opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app(AppState::new(engine))).await;
        });

        // chromedriver takes a moment to listen.
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", driver_port))
            .await
            .is_err()
        {
            assert!(started.elapsed() < WAIT, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium.to_string_lossy(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .expect("a browser session");
        let outcome = journey(client.clone(), base.clone()).await;
        let _ = client.close().await;
        outcome
    });
}

async fn journey(client: &Client, base: &str) {
    // 1. Search "parentalité" from the home page.
    client.goto(&format!("{base}/")).await.expect("home page");
    let input = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input#q"))
        .await
        .expect("search box");
    input.send_keys("parentalité").await.expect("typing");
    client
        .find(Locator::Css("form[role=search] button[type=submit]"))
        .await
        .expect("search button")
        .click()
        .await
        .expect("submit");
    let count = wait_for_text(client, ".result-count", "trouvé").await;
    let count = count.text().await.unwrap_or_default();
    assert!(count.contains("passage"), "{count}");
    assert!(!count.starts_with("Aucun"), "{count}");
    let mark = text_of(client, ".hit .snippet mark").await;
    assert!(mark.to_lowercase().contains("parentalit"), "{mark}");
    let url = client.current_url().await.expect("url");
    assert!(
        url.as_str().contains("q=parentalit"),
        "query kept in the URL: {url}"
    );
    screenshot(client, "e2e-1-search").await;

    // Results are action sheets: each shows its fields that hold the word.
    let field = text_of(client, ".hit-action .hit-fields mark").await;
    assert!(field.to_lowercase().contains("parentalit"), "{field}");

    // 2. Open the first result's document: the document page, scrolled to the passage.
    let first = client
        .find(Locator::Css(".hit-doc a"))
        .await
        .expect("a result");
    let title = first.text().await.unwrap_or_default();
    first.click().await.expect("open result");
    let heading = wait_for_text(client, "main h1", title.trim()).await;
    assert!(!heading.text().await.unwrap_or_default().is_empty());
    let target = text_of(client, ".passage.target").await;
    assert!(
        !target.trim().is_empty(),
        "the hit's passage is highlighted"
    );
    assert!(client
        .current_url()
        .await
        .expect("url")
        .as_str()
        .contains("#/document/"));
    screenshot(client, "e2e-2-document").await;

    // The back button returns to the same results.
    client.back().await.expect("back");
    wait_for_text(client, ".result-count", "trouvé").await;

    // The first result's action sheet, with comparable actions elsewhere.
    let action = client
        .find(Locator::Css(".hit-action .hit-title a"))
        .await
        .expect("an action result");
    let action_title = action.text().await.unwrap_or_default();
    action.click().await.expect("open action");
    wait_for_text(client, "main h1", action_title.trim()).await;
    wait_for_text(client, "main h2", "Actions comparables ailleurs").await;
    screenshot(client, "e2e-2b-action").await;
    client.back().await.expect("back");
    wait_for_text(client, ".result-count", "trouvé").await;

    // A misspelled query: results for the corpus's spelling, the query as typed one click away.
    client
        .goto(&format!("{base}/#/recherche?q=parentalit%C3%A9e"))
        .await
        .expect("misspelled search");
    let note = wait_for_text(client, ".correction", "Résultats pour").await;
    assert!(note
        .text()
        .await
        .unwrap_or_default()
        .contains("parentalité"));
    let as_typed = wait_for_text(client, ".correction a", "parentalitée").await;
    as_typed.click().await.expect("search as typed");
    wait_for_text(client, ".result-count", "Aucun passage").await;

    // 3. The "Mission Locale" entity page, first reached by a misspelled name.
    client
        .goto(&format!("{base}/#/entite/Mision%20Locale"))
        .await
        .expect("misspelled entity");
    wait_for_text(client, ".notice-error a", "Mission Locale").await;
    client
        .goto(&format!("{base}/#/acteurs?q=Mission%20Locale"))
        .await
        .expect("entities page");
    let link = wait_for_text(client, ".entity-list a", "Mission Locale").await;
    link.click().await.expect("open entity");
    let name = wait_for_text(client, "main h1", "Mission Locale").await;
    assert!(name
        .text()
        .await
        .unwrap_or_default()
        .contains("Mission Locale"));
    wait_for_text(client, "main h2", "Territoires et rôles").await;
    let kind = text_of(client, ".facts .badge").await;
    assert!(!kind.trim().is_empty(), "the entity kind is shown");
    screenshot(client, "e2e-3-entity").await;

    // Every node the graph view draws opens a page that exists: one by one at depth 1
    // (the sections naming it), grouped at depth 2 (documents, actors, territories).
    graph_links_resolve(client, base, "mission-locale", 1, &["entity", "section"]).await;
    graph_links_resolve(
        client,
        base,
        "mission-locale",
        2,
        &["entity", "document", "territory"],
    )
    .await;

    // 4. The glossary, filtered as you type to "LAEP".
    client
        .find(Locator::Css("a[data-nav=glossaire]"))
        .await
        .expect("glossary link")
        .click()
        .await
        .expect("open glossary");
    let filter = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input#filtre-sigles"))
        .await
        .expect("glossary filter");
    filter.send_keys("LAEP").await.expect("typing");
    wait_for_text(client, ".result-count", "LAEP").await;
    let first_sigle = text_of(client, ".glossary dt").await;
    assert_eq!(first_sigle.trim(), "LAEP");
    let definition = text_of(client, ".glossary dd").await;
    assert!(
        definition.to_lowercase().contains("accueil"),
        "LAEP is a lieu d'accueil enfants-parents: {definition}"
    );
    screenshot(client, "e2e-4-glossary").await;
}

async fn pdf_journey(client: &Client, base: &str) {
    // A search that lands in the PDF shows the page and links to the original at it.
    client
        .goto(&format!("{base}/#/recherche?q=CLAS"))
        .await
        .expect("search page");
    wait_for_text(client, ".result-count", "trouvé").await;
    let meta = wait_for_text(client, ".hit .hit-meta", "p. ").await;
    let meta = meta.text().await.unwrap_or_default();
    let page: u32 = meta
        .split("p. ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page in {meta:?}"));
    let link = wait_for_text(client, ".hit-original a", "à la page").await;
    let href = link.attr("href").await.expect("href").expect("a link");
    assert!(
        href.ends_with(&format!("/api/documents/cornebarrieu/file#page={page}")),
        "{href}"
    );
    assert!(link
        .text()
        .await
        .unwrap_or_default()
        .contains(&format!("page {page}")));
    screenshot(client, "e2e-5-pdf-hit").await;
    // The link opens the original PDF itself.
    let served = client
        .execute(
            "return fetch(arguments[0]).then(r => r.blob().then(b => [r.status, r.headers.get('content-type'), b.size]))",
            vec![serde_json::Value::String(href.clone())],
        )
        .await
        .expect("fetch the original");
    let bytes = std::fs::metadata(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats/print/001_f1af12ce620947bd.pdf"),
    )
    .expect("fixture")
    .len();
    assert_eq!(served, serde_json::json!([200, "application/pdf", bytes]));

    // The document view marks its pages.
    client
        .goto(&format!("{base}/#/document/cornebarrieu"))
        .await
        .expect("document page");
    wait_for_text(client, ".page-mark", "Page 2").await;

    // The files page says why the scan was not read.
    client
        .goto(&format!("{base}/#/fichiers"))
        .await
        .expect("files page");
    let row = wait_for_text(client, "table.skipped tr", "scan.pdf").await;
    assert!(row
        .text()
        .await
        .unwrap_or_default()
        .contains("PDF numérisé sans texte"));
    screenshot(client, "e2e-6-files").await;
}

/// Waits until the page has finished loading (no « Chargement… » left) and has a title.
async fn settled_heading(client: &Client) -> String {
    let started = Instant::now();
    loop {
        let loading = client
            .find_all(Locator::Css("main .loading"))
            .await
            .map(|found| found.len())
            .unwrap_or(0);
        if loading == 0 {
            if let Ok(h1) = client.find(Locator::Css("main h1")).await {
                return h1.text().await.unwrap_or_default();
            }
        }
        if started.elapsed() > WAIT {
            screenshot(client, "e2e-failure").await;
            panic!("the page did not finish loading");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the entity's page at `depth`, then clicks each node its graph draws, one after
/// the other, and checks that none lands on a page that says it cannot be found.
async fn graph_links_resolve(
    client: &Client,
    base: &str,
    entity: &str,
    depth: usize,
    kinds_drawn: &[&str],
) {
    let page = format!("{base}/#/entite/{entity}?profondeur={depth}");
    client.goto(&page).await.expect("entity page");
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("svg.graph a.node"))
        .await
        .expect("the graph is drawn");
    client
        .execute(
            "document.querySelector('svg.graph').scrollIntoView({block: 'start', behavior: 'instant'}); return true;",
            vec![],
        )
        .await
        .expect("scroll to the graph");
    screenshot(client, &format!("e2e-3b-graph-{depth}")).await;
    let mut nodes: Vec<(String, String)> = Vec::new();
    for link in client
        .find_all(Locator::Css("svg.graph a.node"))
        .await
        .expect("graph links")
    {
        let id = link
            .attr("data-id")
            .await
            .expect("attr")
            .unwrap_or_default();
        let href = link.attr("href").await.expect("attr").unwrap_or_default();
        nodes.push((id, href));
    }
    let kinds: std::collections::BTreeSet<&str> = nodes
        .iter()
        .filter_map(|(id, _)| id.split(':').next())
        .collect();
    for kind in kinds_drawn {
        assert!(
            kinds.contains(kind),
            "no {kind} at depth {depth}: {nodes:?}"
        );
    }
    for (id, href) in &nodes {
        assert!(href.starts_with("#/"), "{id}: {href}");
        assert!(!href.contains("%3A"), "{id}: {href}");
        client.goto(&page).await.expect("entity page");
        let selector = format!("svg.graph a.node[data-id=\"{}\"]", id.replace('"', "\\\""));
        client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&selector))
            .await
            .unwrap_or_else(|e| panic!("no node {id}: {e}"));
        // A click as a person makes it, dispatched on the node (labels may overlap it).
        client
            .execute(
                "document.querySelector(arguments[0]).dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window})); return true;",
                vec![serde_json::Value::String(selector.clone())],
            )
            .await
            .expect("click");
        let started = Instant::now();
        while !client
            .current_url()
            .await
            .expect("url")
            .as_str()
            .ends_with(href.as_str())
        {
            assert!(
                started.elapsed() < WAIT,
                "{id}: the click did not open {href}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let heading = settled_heading(client).await;
        let text = client
            .find(Locator::Css("main"))
            .await
            .expect("main")
            .text()
            .await
            .unwrap_or_default();
        assert!(
            !heading.contains("introuvable") && !text.contains("Introuvable"),
            "{id} → {href}: {heading}"
        );
        assert!(
            client
                .find_all(Locator::Css("main .notice-error"))
                .await
                .map_or(0, |e| e.len())
                == 0,
            "{id} → {href}: {text}"
        );
        if id.starts_with("territory:") {
            assert!(text.contains("Rechercher dans ce territoire"), "{text}");
        }
        if let Some((_, section)) = href.split_once("section=") {
            let target = text_of(client, "main .target").await;
            assert!(!target.is_empty(), "{id}: section {section} not shown");
        }
    }
    // The GraphML download holds the same graph.
    client.goto(&page).await.expect("entity page");
    let download = wait_for_text(client, "a.button-link", "GraphML").await;
    let href = download.attr("href").await.expect("attr").expect("href");
    assert!(href.contains("format=graphml"), "{href}");
    let served = client
        .execute(
            "return fetch(arguments[0]).then(r => r.text().then(t => [r.status, r.headers.get('content-type'), t.includes('<graphml')]))",
            vec![serde_json::Value::String(href)],
        )
        .await
        .expect("fetch the GraphML");
    assert_eq!(
        served,
        serde_json::json!([200, "application/graphml+xml", true])
    );
}
