//! How many searches are running at once, and so how each walks its segments.
//!
//! A lone search is fastest with its segments walked on every core at once. Under load it
//! is the other way round: the cores are already busy with other searches, and splitting
//! each one across a thread pool only adds hand-offs between threads (measured at 16
//! connections on two cores: 7 % fewer searches a second than one thread per search). So a
//! search that starts while another is running walks its segments on its own thread.

use std::sync::atomic::{AtomicUsize, Ordering};

use tantivy::Executor;

/// The searches running now.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    running: AtomicUsize,
}

/// One running search; counted until dropped.
pub(crate) struct Running<'a> {
    in_flight: &'a InFlight,
    /// No other search was running when this one started.
    alone: bool,
}

impl InFlight {
    /// Counts a search from now until the returned guard is dropped.
    pub(crate) fn enter(&self) -> Running<'_> {
        let before = self.running.fetch_add(1, Ordering::Relaxed);
        Running {
            in_flight: self,
            alone: before == 0,
        }
    }
}

impl Running<'_> {
    /// The executor this search walks its segments with: `parallel` (the index's pool)
    /// when it runs alone, its own thread otherwise.
    pub(crate) fn executor<'e>(&self, parallel: &'e Executor) -> &'e Executor {
        static ONE_THREAD: Executor = Executor::SingleThread;
        if self.alone {
            parallel
        } else {
            &ONE_THREAD
        }
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.in_flight.running.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_pool(executor: &Executor) -> bool {
        matches!(executor, Executor::ThreadPool(_))
    }

    #[test]
    fn a_lone_search_uses_the_pool_and_one_beside_another_its_own_thread() {
        let pool = Executor::multi_thread(2, "essai-").unwrap();
        let in_flight = InFlight::default();
        let first = in_flight.enter();
        assert!(is_pool(first.executor(&pool)));
        let second = in_flight.enter();
        assert!(!is_pool(second.executor(&pool)));
        // The first keeps its pool; once both end, the next search is alone again.
        assert!(is_pool(first.executor(&pool)));
        drop(second);
        drop(first);
        assert!(is_pool(in_flight.enter().executor(&pool)));
    }
}
