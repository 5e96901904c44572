//! Delivery on [`Keyctl`]: `events deliver` and `webhooks test`. The
//! mechanics (routing, leases, retries, sending) are in
//! [`crate::events::deliver`]; this adds the role check, the operator, the
//! clock and the `[events]` settings.

use super::Keyctl;
use crate::error::Result;
use crate::events::deliver::{self, Attempt, DeliverOptions, DeliverySummary};
use crate::role::Role;

impl Keyctl {
    /// Sends what is due: routes new events, then claims, sends and records
    /// one delivery at a time until none is due (or the limit is reached).
    /// `on_attempt` sees each attempt as it ends. A failing destination is
    /// not an error: its delivery is retried later, or marked dead.
    pub fn deliver_events(
        &mut self,
        opts: &DeliverOptions,
        on_attempt: impl FnMut(&Attempt),
    ) -> Result<DeliverySummary> {
        self.authorize("events deliver", Role::Admin)?;
        deliver::run(
            &mut self.store,
            &self.clock,
            &self.config.events,
            opts,
            on_attempt,
        )
    }

    /// Sends a `webhook.test` event (not recorded) to one destination.
    pub fn test_destination(&mut self, name: &str) -> Result<Attempt> {
        self.authorize("webhooks test", Role::Admin)?;
        deliver::test_send(
            &mut self.store,
            &self.clock,
            &self.config.events,
            &self.actor,
            name,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::AttemptResult;
    use crate::events::deliver::INTERRUPTED;
    use crate::store::{Durability, EventState};

    fn keyctl_at(dir: &std::path::Path, config: &crate::Config, at: i64) -> Keyctl {
        let store = crate::Store::open(dir.join("k.db"), crate::store::Access::Write).unwrap();
        Keyctl::new(
            store,
            config.clone(),
            crate::Clock::fixed(crate::time::from_unix(at)),
            "op".into(),
        )
    }

    /// Leaves the event's delivery claimed, as a run killed while sending
    /// it would.
    fn claim_and_die(kc: &mut Keyctl, seq: i64, now: i64) {
        kc.store
            .write(Durability::Normal, |q| {
                let mut d = q.deliveries_of(seq)?.remove(0);
                d.attempts += 1;
                d.claimed_until = Some(crate::time::from_unix(now + 65));
                d.next_at = crate::time::from_unix(now + 65);
                q.put_delivery(&d)
            })
            .unwrap();
    }

    #[test]
    fn a_delivery_interrupted_twice_is_not_sent_a_third_time() {
        let dir = tempfile::tempdir().unwrap();
        // A hook that would record every send.
        let sent = dir.path().join("sent");
        let config = crate::Config::parse(
            &format!(
                "[events]\nbackoff = \"1min\"\n[[hooks]]\ncommand = [\"sh\", \"-c\", \"cat >> '{}'\"]\n",
                sent.display()
            ),
            std::path::Path::new("/c.toml"),
        )
        .unwrap();
        let mut kc = keyctl_at(dir.path(), &config, 1_000_000);
        let scope = crate::Scope::parse("invoices:read", &kc.config().catalog).unwrap();
        let created = kc.create(crate::NewKey::new("a", vec![scope])).unwrap();
        let seq = kc
            .store
            .read(|q| q.event_by_id(&created.event_id))
            .unwrap()
            .unwrap()
            .seq;
        let route = DeliverOptions {
            limit: Some(0),
            ..DeliverOptions::default()
        };
        kc.deliver_events(&route, |_| {}).unwrap();
        claim_and_die(&mut kc, seq, 1_000_000);
        // The next run finds it interrupted and schedules it again.
        let mut kc = keyctl_at(dir.path(), &config, 1_000_100);
        let first = kc
            .deliver_events(&DeliverOptions::default(), |_| {})
            .unwrap();
        assert_eq!(first.attempts.len(), 1);
        assert_eq!(first.attempts[0].error.as_deref(), Some(INTERRUPTED));
        claim_and_die(&mut kc, seq, 1_000_100);
        let mut kc = keyctl_at(dir.path(), &config, 1_000_200);
        let second = kc
            .deliver_events(&DeliverOptions::default(), |_| {})
            .unwrap();
        assert_eq!(second.attempts.len(), 1);
        assert_eq!(second.attempts[0].result, AttemptResult::Dead);
        assert!(!sent.exists(), "nothing was sent a third time");
        let info = kc.event(&created.event_id).unwrap();
        assert_eq!(info.event.state, EventState::Dead);
        assert_eq!(info.deliveries[0].interrupted, 2);
        // Replay is the operator's decision, and sends it.
        let mut kc = keyctl_at(dir.path(), &config, 1_000_300);
        kc.replay_event(&created.event_id).unwrap();
        kc.deliver_events(&DeliverOptions::default(), |_| {})
            .unwrap();
        assert!(sent.exists());
        assert_eq!(
            kc.event(&created.event_id).unwrap().event.state,
            EventState::Delivered
        );
    }
}
