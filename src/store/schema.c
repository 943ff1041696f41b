/* The schema, as the steps that build it (db_migrate runs them). */
#include "store_int.h"

/* The schema's history: migration i brings version i-1 to version i. Never
 * edit a released step; add a new one. */
const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    /* 1: the helpdesk core. */
    "CREATE TABLE users("
    " id INTEGER PRIMARY KEY,"
    " email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK(role IN ('requester','agent','admin')),"
    " password_hash TEXT,"
    " lang TEXT NOT NULL DEFAULT '',"
    " vip INTEGER NOT NULL DEFAULT 0,"
    " active INTEGER NOT NULL DEFAULT 1,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE groups("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " description TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE group_members("
    " group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " PRIMARY KEY(group_id, user_id)) WITHOUT ROWID;"
    "CREATE TABLE tickets("
    " id INTEGER PRIMARY KEY,"
    " title TEXT NOT NULL,"
    " description TEXT NOT NULL DEFAULT '',"
    " requester_id INTEGER NOT NULL REFERENCES users(id),"
    " status TEXT NOT NULL DEFAULT 'new'"
    "  CHECK(status IN ('new','open','pending','resolved','closed')),"
    " category TEXT,"
    " group_id INTEGER REFERENCES groups(id),"
    " assignee_id INTEGER REFERENCES users(id),"
    " impact INTEGER CHECK(impact BETWEEN 1 AND 3),"
    " urgency INTEGER CHECK(urgency BETWEEN 1 AND 3),"
    " priority INTEGER CHECK(priority BETWEEN 1 AND 4),"
    " service TEXT,"
    " ci TEXT,"
    " source TEXT,"
    " language TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " resolved_at INTEGER,"
    " resolution TEXT);"
    "CREATE INDEX tickets_status ON tickets(status, created_at);"
    "CREATE INDEX tickets_created ON tickets(created_at);"
    "CREATE INDEX tickets_updated ON tickets(updated_at);"
    "CREATE INDEX tickets_requester ON tickets(requester_id, created_at);"
    "CREATE INDEX tickets_group ON tickets(group_id, created_at);"
    "CREATE INDEX tickets_assignee ON tickets(assignee_id, created_at);"
    "CREATE TABLE comments("
    " id INTEGER PRIMARY KEY,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " author_id INTEGER NOT NULL REFERENCES users(id),"
    " body TEXT NOT NULL,"
    " internal INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX comments_ticket ON comments(ticket_id, id);"
    "CREATE TABLE history("
    " id INTEGER PRIMARY KEY,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " at INTEGER NOT NULL,"
    " actor_kind TEXT NOT NULL CHECK(actor_kind IN ('person','system','model')),"
    " actor_id INTEGER REFERENCES users(id),"
    " field TEXT NOT NULL,"
    " old_value TEXT,"
    " new_value TEXT,"
    " model_version TEXT,"
    " confidence REAL);"
    "CREATE INDEX history_ticket ON history(ticket_id, id);"
    /* History is append-only: the database itself refuses edits. */
    "CREATE TRIGGER history_no_update BEFORE UPDATE ON history"
    " BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
    "CREATE TRIGGER history_no_delete BEFORE DELETE ON history"
    " BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;",

    /* 2: sign-in (sessions, API tokens) and the full-text index. */
    "CREATE TABLE sessions("
    " token_hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE api_tokens("
    " token_hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE tickets_fts USING fts5("
    " title, description, resolution,"
    " content='tickets', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2');"
    "CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN"
    " INSERT INTO tickets_fts(rowid, title, description, resolution)"
    " VALUES (new.id, new.title, new.description, new.resolution); END;"
    "CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN"
    " INSERT INTO tickets_fts(tickets_fts, rowid, title, description, resolution)"
    " VALUES ('delete', old.id, old.title, old.description, old.resolution); END;"
    "CREATE TRIGGER tickets_fts_au AFTER UPDATE OF title, description, resolution"
    " ON tickets BEGIN"
    " INSERT INTO tickets_fts(tickets_fts, rowid, title, description, resolution)"
    " VALUES ('delete', old.id, old.title, old.description, old.resolution);"
    " INSERT INTO tickets_fts(rowid, title, description, resolution)"
    " VALUES (new.id, new.title, new.description, new.resolution); END;"
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild');",

    /* 3: bulk loads index a whole batch with one statement. While the
     * loading transaction holds a row in fts_deferred, the insert trigger
     * stands aside; the row never outlives that transaction, so no other
     * connection ever sees it. */
    "CREATE TABLE fts_deferred(flag INTEGER NOT NULL);"
    "DROP TRIGGER tickets_fts_ai;"
    "CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets"
    " WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN"
    " INSERT INTO tickets_fts(rowid, title, description, resolution)"
    " VALUES (new.id, new.title, new.description, new.resolution); END;",

    /* 4: triage. Models are stored whole (a backup is one file); one per
     * field is active. A prediction is the model's latest word on one field
     * of one ticket and what became of it; feedback keeps every decision a
     * person made on one, for retraining and audit. */
    "ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER;"
    "CREATE TABLE models("
    " id INTEGER PRIMARY KEY,"
    " field TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " n_train INTEGER NOT NULL,"
    " metrics TEXT NOT NULL,"
    " data BLOB NOT NULL,"
    " active INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE(field, version));"
    "CREATE TABLE predictions("
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " field TEXT NOT NULL,"
    " model_id INTEGER NOT NULL REFERENCES models(id),"
    " value TEXT NOT NULL,"
    " confidence REAL NOT NULL,"
    " detail TEXT NOT NULL,"
    " state TEXT NOT NULL CHECK(state IN ('applied','suggested','accepted','overridden')),"
    " decided_by INTEGER REFERENCES users(id),"
    " decided_at INTEGER,"
    " created_at INTEGER NOT NULL,"
    " PRIMARY KEY(ticket_id, field)) WITHOUT ROWID;"
    "CREATE TABLE feedback("
    " id INTEGER PRIMARY KEY,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " field TEXT NOT NULL,"
    " model_id INTEGER REFERENCES models(id),"
    " kind TEXT NOT NULL CHECK(kind IN ('accept','override')),"
    " predicted TEXT,"
    " chosen TEXT NOT NULL,"
    " user_id INTEGER REFERENCES users(id),"
    " at INTEGER NOT NULL);"
    "CREATE INDEX feedback_at ON feedback(at);"
    "CREATE TABLE triage_thresholds("
    " field TEXT NOT NULL,"
    " class TEXT NOT NULL,"
    " mode TEXT NOT NULL CHECK(mode IN ('target','always','never')),"
    " target REAL,"
    " PRIMARY KEY(field, class)) WITHOUT ROWID;"
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;",

    /* 5: the words that set a ticket's impact ("tout le service", "15 users",
     * a critical service), kept so that the agent sees why. */
    "ALTER TABLE tickets ADD COLUMN impact_cue TEXT;",

    /* 6: the queue at a million tickets. Each sort key the queue offers in
     * its own index and behind the status, so a page walks an index in
     * order and stops; the expressions are the list's sort keys, word for
     * word (the planner matches them), and priority filters through the
     * same one. Category filters had no index. tickets_cover holds every
     * filtered and sorted column by id: a search checks its matches'
     * filters there instead of reading whole rows. */
    "CREATE INDEX tickets_prio ON tickets(IFNULL(priority, 5));"
    "CREATE INDEX tickets_due ON tickets(IFNULL(sla_due_at, 9223372036854775807));"
    "CREATE INDEX tickets_status_updated ON tickets(status, updated_at);"
    "CREATE INDEX tickets_status_prio ON tickets(status, IFNULL(priority, 5));"
    "CREATE INDEX tickets_status_due ON tickets(status, IFNULL(sla_due_at, 9223372036854775807));"
    "CREATE INDEX tickets_category ON tickets(category, created_at);"
    "CREATE INDEX tickets_cover ON tickets(id, status, category, group_id, assignee_id,"
    " requester_id, priority, created_at, updated_at, sla_due_at);",

    /* 7: filters that drive a page. When a walk in sort order finds too few
     * matches, the list reads the tickets of its most selective filter and
     * sorts them: from an index that holds every listed column, that is one
     * range of entries, where a lean index cost a lookup per ticket (15x).
     * A person, group or category comes first with the priority next, so
     * that "category and priority" is one range too; a created range and
     * a priority have their own. The walk indexes stay lean: their order is (key, id). */
    "DROP INDEX tickets_category;"
    "DROP INDEX tickets_group;"
    "DROP INDEX tickets_assignee;"
    "DROP INDEX tickets_requester;"
    "CREATE INDEX tickets_category ON tickets(category, IFNULL(priority, 5), created_at,"
    " status, group_id, assignee_id, requester_id, priority, updated_at, sla_due_at);"
    "CREATE INDEX tickets_group ON tickets(group_id, IFNULL(priority, 5), created_at,"
    " status, category, assignee_id, requester_id, priority, updated_at, sla_due_at);"
    "CREATE INDEX tickets_assignee ON tickets(assignee_id, IFNULL(priority, 5), created_at,"
    " status, category, group_id, requester_id, priority, updated_at, sla_due_at);"
    "CREATE INDEX tickets_requester ON tickets(requester_id, IFNULL(priority, 5), created_at,"
    " status, category, group_id, assignee_id, priority, updated_at, sla_due_at);"
    "CREATE INDEX tickets_created_all ON tickets(created_at, status, category, group_id,"
    " assignee_id, requester_id, priority, updated_at, sla_due_at);"
    "CREATE INDEX tickets_prio_all ON tickets(IFNULL(priority, 5), created_at, status,"
    " category, group_id, assignee_id, requester_id, priority, updated_at, sla_due_at);",

    /* 8: every write to a ticket logs its id, so that what a process keeps
     * of the tickets in memory (facets.c) learns of writes made by any
     * connection or process, in the transaction that makes them. The log
     * keeps the last 65,536 writes; a reader further behind starts over.
     * AUTOINCREMENT: a number is never given twice, so sqlite_sequence
     * says how far the log has gone. */
    "CREATE TABLE ticket_changes(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " ticket_id INTEGER NOT NULL);"
    "CREATE TRIGGER ticket_changes_trim AFTER INSERT ON ticket_changes BEGIN"
    " DELETE FROM ticket_changes WHERE seq <= new.seq - 65536; END;"
    "CREATE TRIGGER tickets_changes_ai AFTER INSERT ON tickets BEGIN"
    " INSERT INTO ticket_changes(ticket_id) VALUES (new.id); END;"
    "CREATE TRIGGER tickets_changes_au AFTER UPDATE ON tickets BEGIN"
    " INSERT INTO ticket_changes(ticket_id) VALUES (new.id);"
    " INSERT INTO ticket_changes(ticket_id) SELECT old.id WHERE old.id <> new.id; END;"
    "CREATE TRIGGER tickets_changes_ad AFTER DELETE ON tickets BEGIN"
    " INSERT INTO ticket_changes(ticket_id) VALUES (old.id); END;",

    /* 9: a ticket's version, 1 at creation and one more at each change:
     * a client that read version n may ask that its change apply only if
     * the ticket is still at n (the API's If-Match). */
    "ALTER TABLE tickets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;",

    /* 10: an agent may hide an abusive comment: it stays, with who hid it,
     * and the history says so. */
    "ALTER TABLE comments ADD COLUMN hidden_by INTEGER REFERENCES users(id);",

    /* 11: API tokens get an id (to be listed and revoked by), an optional
     * end and the time of their last use. */
    "CREATE TABLE api_tokens_new(id INTEGER PRIMARY KEY,"
    " token_hash TEXT NOT NULL UNIQUE,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    " expires_at INTEGER, last_used_at INTEGER);"
    "INSERT INTO api_tokens_new(token_hash, user_id, name, created_at)"
    " SELECT token_hash, user_id, name, created_at FROM api_tokens ORDER BY created_at;"
    "DROP TABLE api_tokens;"
    "ALTER TABLE api_tokens_new RENAME TO api_tokens;"
    "CREATE INDEX api_tokens_user ON api_tokens(user_id);",

    /* 12: the audit log: one row per administrative action (accounts,
     * roles, groups, settings, thresholds, tokens, models, jobs), by whom,
     * from where, on what and what changed. Append-only: the triggers
     * refuse every UPDATE and DELETE, whoever asks. */
    "CREATE TABLE audit_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    " actor_id INTEGER NOT NULL DEFAULT 0, actor TEXT NOT NULL,"
    " client TEXT NOT NULL DEFAULT '', action TEXT NOT NULL,"
    " target_type TEXT NOT NULL DEFAULT '', target_id INTEGER NOT NULL DEFAULT 0,"
    " target TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '{}');"
    "CREATE INDEX audit_log_at ON audit_log(at);"
    "CREATE INDEX audit_log_actor ON audit_log(actor_id, id);"
    "CREATE INDEX audit_log_action ON audit_log(action, id);"
    "CREATE INDEX audit_log_target ON audit_log(target_type, target_id, id);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
    " SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
    " SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

    /* 13: service levels. Each priority has a first-response and a
     * resolution target in working time; the clocks stop while a ticket is
     * pending (sla_paused_at, since when; sla_paused_s, working seconds
     * stopped before) and sla_due_at becomes the next running target (NULL
     * while stopped), so that "due soonest" sorts what is really due.
     * urgency_default: the urgency a ticket's priority assumed while nobody
     * set one. The backfill keeps the due time as the resolution target
     * (without logging those rows: no in-memory column changes), the first
     * public reply of the desk for tickets still open, and stops the clocks
     * of pending tickets from their last change. */
    "ALTER TABLE tickets ADD COLUMN response_due_at INTEGER;"
    "ALTER TABLE tickets ADD COLUMN first_response_at INTEGER;"
    "ALTER TABLE tickets ADD COLUMN resolve_due_at INTEGER;"
    "ALTER TABLE tickets ADD COLUMN sla_paused_at INTEGER;"
    "ALTER TABLE tickets ADD COLUMN sla_paused_s INTEGER;"
    "ALTER TABLE tickets ADD COLUMN urgency_default INTEGER CHECK(urgency_default BETWEEN 1 AND 3);"
    "DROP TRIGGER tickets_changes_au;"
    "UPDATE tickets SET resolve_due_at = sla_due_at WHERE sla_due_at IS NOT NULL;"
    "UPDATE tickets SET first_response_at = (SELECT min(c.created_at) FROM comments c"
    " JOIN users u ON u.id = c.author_id WHERE c.ticket_id = tickets.id AND c.internal = 0"
    " AND u.role <> 'requester') WHERE status IN ('new', 'open', 'pending');"
    "CREATE TRIGGER tickets_changes_au AFTER UPDATE ON tickets BEGIN"
    " INSERT INTO ticket_changes(ticket_id) VALUES (new.id);"
    " INSERT INTO ticket_changes(ticket_id) SELECT old.id WHERE old.id <> new.id; END;"
    "UPDATE tickets SET sla_paused_at = updated_at, sla_due_at = NULL"
    " WHERE status = 'pending' AND sla_due_at IS NOT NULL;",

    /* 14: categories, services and configuration items as managed lists,
     * each entry with a French and an English label, retired (no longer
     * offered) or merged into another; a ticket holds the entry's name.
     * Every value tickets already hold becomes an entry, so that the
     * upgrade refuses nothing a ticket holds. */
    "CREATE TABLE catalog(id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK(kind IN ('category', 'service', 'ci')),"
    " name TEXT NOT NULL, label_fr TEXT NOT NULL DEFAULT '', label_en TEXT NOT NULL DEFAULT '',"
    " active INTEGER NOT NULL DEFAULT 1, merged_into INTEGER REFERENCES catalog(id),"
    " created_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX catalog_name ON catalog(kind, name COLLATE NOCASE);"
    "INSERT OR IGNORE INTO catalog(kind, name, created_at) SELECT 'category', category,"
    " min(created_at) FROM tickets WHERE category <> '' GROUP BY category ORDER BY min(created_at);"
    "INSERT OR IGNORE INTO catalog(kind, name, created_at) SELECT 'service', service,"
    " min(created_at) FROM tickets WHERE service <> '' GROUP BY service ORDER BY min(created_at);"
    "INSERT OR IGNORE INTO catalog(kind, name, created_at) SELECT 'ci', ci,"
    " min(created_at) FROM tickets WHERE ci <> '' GROUP BY ci ORDER BY min(created_at);",

    /* 15: the requester closes the loop: a satisfaction rating per ticket
     * (1 to 5, with a comment), and when each person last read each
     * ticket, so that "My tickets" marks new replies. */
    "CREATE TABLE ratings(ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " rating INTEGER NOT NULL CHECK(rating BETWEEN 1 AND 5),"
    " comment TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE ticket_reads(user_id INTEGER NOT NULL REFERENCES users(id),"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id), read_at INTEGER NOT NULL,"
    " PRIMARY KEY(user_id, ticket_id)) WITHOUT ROWID;",

    /* 16: attachments, in the database so that a backup stays one file.
     * A file belongs to a ticket, and to one of its comments when it came
     * with a reply or a note (it then follows that comment: internal or
     * hidden with it). name is the safe form of the name given, type the
     * one read from the bytes. The bytes come last: SQLite reads a row's
     * columns in order, so a list of names never reads the files. */
    "CREATE TABLE attachments(id INTEGER PRIMARY KEY,"
    " ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " comment_id INTEGER REFERENCES comments(id),"
    " name TEXT NOT NULL, content_type TEXT NOT NULL,"
    " size INTEGER NOT NULL CHECK(size > 0), sha256 TEXT NOT NULL,"
    " uploaded_by INTEGER NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL,"
    " hidden_by INTEGER REFERENCES users(id),"
    " data BLOB NOT NULL);"
    "CREATE INDEX attachments_ticket ON attachments(ticket_id, id);",

    /* 17: the desk's views. awaiting_since: since when the requester
     * waits on the desk (from the ticket's creation, or from their first
     * reply after the desk's last public answer); the desk's public reply
     * and resolving or closing the ticket clear it. The backfill, for live
     * tickets: the desk's last answer (its last public comment, or the
     * first response on record, whichever is later) is first noted as a
     * negative number (0: never answered), then replaced by the first
     * requester reply after it, or the creation when never answered; one
     * transaction, so nobody sees the note. Not logged (facets are built
     * after the migration).
     * tickets_live holds every filtered column of the tickets not yet
     * resolved (a few percent of a large desk), the person and group
     * first: a view's count of "my open tickets" or "unassigned in my
     * groups" is one short range of it. tickets_awaiting holds the
     * awaiting ones with every listed column, for the lists and counts of
     * "waiting on me". group_members_user finds a user's groups. A view
     * is a name, the queue's filters and sort (a JSON object of query
     * parameters), personal or shared with every agent. */
    "ALTER TABLE tickets ADD COLUMN awaiting_since INTEGER;"
    "DROP TRIGGER tickets_changes_au;"
    "UPDATE tickets SET awaiting_since = -max(IFNULL(first_response_at, 0),"
    " IFNULL((SELECT max(c.created_at) FROM comments c JOIN users u ON u.id = c.author_id"
    " WHERE c.ticket_id = tickets.id AND c.internal = 0 AND u.role <> 'requester'), 0))"
    " WHERE status IN ('new', 'open', 'pending');"
    "UPDATE tickets SET awaiting_since = CASE WHEN awaiting_since = 0 THEN created_at"
    " ELSE (SELECT min(c.created_at) FROM comments c JOIN users u ON u.id = c.author_id"
    " WHERE c.ticket_id = tickets.id AND c.internal = 0 AND u.role = 'requester'"
    " AND c.created_at > -tickets.awaiting_since) END WHERE awaiting_since IS NOT NULL;"
    "CREATE TRIGGER tickets_changes_au AFTER UPDATE ON tickets BEGIN"
    " INSERT INTO ticket_changes(ticket_id) VALUES (new.id);"
    " INSERT INTO ticket_changes(ticket_id) SELECT old.id WHERE old.id <> new.id; END;"
    "CREATE INDEX tickets_live ON tickets(assignee_id, group_id, status, category, requester_id,"
    " priority, created_at, sla_due_at, awaiting_since) WHERE status IN ('new', 'open', 'pending');"
    "CREATE INDEX tickets_awaiting ON tickets(assignee_id, status, IFNULL(priority, 5), created_at,"
    " category, group_id, requester_id, priority, updated_at, sla_due_at, awaiting_since)"
    " WHERE awaiting_since IS NOT NULL;"
    "CREATE INDEX group_members_user ON group_members(user_id, group_id);"
    "CREATE TABLE views(id INTEGER PRIMARY KEY,"
    " owner_id INTEGER NOT NULL REFERENCES users(id),"
    " name TEXT NOT NULL,"
    " filters TEXT NOT NULL DEFAULT '{}',"
    " shared INTEGER NOT NULL DEFAULT 0 CHECK(shared IN (0, 1)),"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " UNIQUE(owner_id, name));"
    "CREATE INDEX views_shared ON views(shared, id);",

    /* 18: canned responses and request templates. A macro is an agent's
     * own (owner_id) or shared with every agent (owner_id NULL): a reply
     * in French and in English with placeholders, public or internal, and
     * the field changes it makes (actions, a JSON object checked by the
     * desk's field rules when saved). A template is what the portal offers
     * for a common request: names, descriptions and title patterns in both
     * languages, the category and service it sets, and its extra fields
     * (a JSON array of definitions). A ticket filed through one keeps a
     * copy of the form as it was (ticket_forms, ticket_fields: labels and
     * values, and the language its lines in the description were written
     * in), so that a template changed or deleted later never changes
     * what the ticket says; template_id is kept without a reference for
     * that reason. Macros and templates are deleted, so their ids never
     * come back (AUTOINCREMENT): an audit row, a ticket's form or a page
     * left open never names another one by mistake. */
    "CREATE TABLE macros(id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER REFERENCES users(id),"
    " name_fr TEXT NOT NULL DEFAULT '', name_en TEXT NOT NULL DEFAULT '',"
    " body_fr TEXT NOT NULL DEFAULT '', body_en TEXT NOT NULL DEFAULT '',"
    " internal INTEGER NOT NULL DEFAULT 0, actions TEXT NOT NULL DEFAULT '{}',"
    " created_by INTEGER NOT NULL REFERENCES users(id),"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX macros_owner ON macros(owner_id, id);"
    "CREATE TABLE templates(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name_fr TEXT NOT NULL DEFAULT '', name_en TEXT NOT NULL DEFAULT '',"
    " description_fr TEXT NOT NULL DEFAULT '', description_en TEXT NOT NULL DEFAULT '',"
    " category TEXT, service TEXT,"
    " title_fr TEXT NOT NULL DEFAULT '', title_en TEXT NOT NULL DEFAULT '',"
    " fields TEXT NOT NULL DEFAULT '[]', active INTEGER NOT NULL DEFAULT 1,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE ticket_forms(ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
    " template_id INTEGER NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL,"
    " lang TEXT NOT NULL DEFAULT 'en');"
    "CREATE TABLE ticket_fields(ticket_id INTEGER NOT NULL REFERENCES ticket_forms(ticket_id),"
    " pos INTEGER NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL,"
    " label_fr TEXT NOT NULL, label_en TEXT NOT NULL, value TEXT NOT NULL,"
    " choice_fr TEXT, choice_en TEXT, PRIMARY KEY(ticket_id, pos)) WITHOUT ROWID;",

    /* 19: the data-quality report. A report of a triage field is kept
     * whole as JSON (its findings name tickets by id), the newest ones
     * only. A label confirmation says a person looked at a ticket the
     * report took for a probable mislabel and kept its label (value): it
     * holds while the ticket's label is still that value, and the report
     * flags the ticket no more. */
    "CREATE TABLE quality_reports(id INTEGER PRIMARY KEY, field TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, rows INTEGER NOT NULL, report TEXT NOT NULL);"
    "CREATE INDEX quality_reports_field ON quality_reports(field, id);"
    "CREATE TABLE label_confirmations(ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " field TEXT NOT NULL, value TEXT NOT NULL, user_id INTEGER REFERENCES users(id),"
    " at INTEGER NOT NULL, PRIMARY KEY(ticket_id, field)) WITHOUT ROWID;",

    /* 20: the knowledge base. An article is written in one language;
     * its translations share its family (the id of the first of them),
     * one article per language. Its state is draft, review, published or
     * archived; requesters see the published public ones only. Every
     * saved text is a version (kb_versions keeps them all, the article
     * holds the newest); kb_events says who made each version and each
     * change of state. A vote is a person's, changed by voting again;
     * the article keeps the counts. kb_fts indexes the newest title and
     * body under the article's id. */
    "CREATE TABLE kb_articles(id INTEGER PRIMARY KEY AUTOINCREMENT, family_id INTEGER NOT NULL,"
    " lang TEXT NOT NULL CHECK(lang IN ('fr', 'en')),"
    " state TEXT NOT NULL DEFAULT 'draft'"
    "  CHECK(state IN ('draft', 'review', 'published', 'archived')),"
    " public INTEGER NOT NULL DEFAULT 0 CHECK(public IN (0, 1)),"
    " title TEXT NOT NULL, body TEXT NOT NULL, category TEXT, service TEXT, ci TEXT,"
    " version INTEGER NOT NULL DEFAULT 1, source_ticket_id INTEGER REFERENCES tickets(id),"
    " author_id INTEGER NOT NULL REFERENCES users(id),"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, published_at INTEGER,"
    " views INTEGER NOT NULL DEFAULT 0, helpful INTEGER NOT NULL DEFAULT 0,"
    " unhelpful INTEGER NOT NULL DEFAULT 0, UNIQUE(family_id, lang));"
    "CREATE INDEX kb_articles_state ON kb_articles(state, lang, id);"
    "CREATE TABLE kb_versions(article_id INTEGER NOT NULL REFERENCES kb_articles(id),"
    " version INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
    " editor_id INTEGER NOT NULL REFERENCES users(id), at INTEGER NOT NULL,"
    " PRIMARY KEY(article_id, version)) WITHOUT ROWID;"
    "CREATE TABLE kb_events(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL"
    " REFERENCES kb_articles(id), at INTEGER NOT NULL, user_id INTEGER REFERENCES users(id),"
    " kind TEXT NOT NULL, from_state TEXT, to_state TEXT, version INTEGER);"
    "CREATE INDEX kb_events_article ON kb_events(article_id, id);"
    "CREATE TABLE kb_votes(article_id INTEGER NOT NULL REFERENCES kb_articles(id),"
    " user_id INTEGER NOT NULL REFERENCES users(id), helpful INTEGER NOT NULL"
    " CHECK(helpful IN (0, 1)), at INTEGER NOT NULL, PRIMARY KEY(article_id, user_id)) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, body,"
    " tokenize='unicode61 remove_diacritics 2');",

    /* 21: deflections: a requester read an article the New ticket form
     * suggested for what they were typing, said it solved their problem,
     * and filed no ticket. The start of what they typed is kept (the
     * words that found the article), for the desk to see what it
     * answers. */
    "CREATE TABLE kb_deflections(id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL"
    " REFERENCES kb_articles(id), user_id INTEGER REFERENCES users(id), at INTEGER NOT NULL,"
    " text TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX kb_deflections_article ON kb_deflections(article_id, at);",

    /* 22: both full-text indexes hold src/text's words, through the
     * tokenizer "relais" (tokenizer.c), so that search, similar tickets
     * and triage see the same words: stems in the text's language, a query
     * asking for its French and English stems. The tables are made again
     * as migrations 2, 3 and 20 left them, with the new tokenizer, then
     * filled: tickets_fts from the tickets it indexes, kb_fts (its own
     * content) with every article's newest title and body under its id, as
     * store_kb writes them. */
    "DROP TRIGGER tickets_fts_ai;"
    "DROP TRIGGER tickets_fts_ad;"
    "DROP TRIGGER tickets_fts_au;"
    "DROP TABLE tickets_fts;"
    "CREATE VIRTUAL TABLE tickets_fts USING fts5("
    " title, description, resolution,"
    " content='tickets', content_rowid='id', tokenize='relais');"
    "CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets"
    " WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN"
    " INSERT INTO tickets_fts(rowid, title, description, resolution)"
    " VALUES (new.id, new.title, new.description, new.resolution); END;"
    "CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN"
    " INSERT INTO tickets_fts(tickets_fts, rowid, title, description, resolution)"
    " VALUES ('delete', old.id, old.title, old.description, old.resolution); END;"
    "CREATE TRIGGER tickets_fts_au AFTER UPDATE OF title, description, resolution"
    " ON tickets BEGIN"
    " INSERT INTO tickets_fts(tickets_fts, rowid, title, description, resolution)"
    " VALUES ('delete', old.id, old.title, old.description, old.resolution);"
    " INSERT INTO tickets_fts(rowid, title, description, resolution)"
    " VALUES (new.id, new.title, new.description, new.resolution); END;"
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild');"
    "DROP TABLE kb_fts;"
    "CREATE VIRTUAL TABLE kb_fts USING fts5(title, body, tokenize='relais');"
    "INSERT INTO kb_fts(rowid, title, body) SELECT id, title, body FROM kb_articles;",

    /* 23: what people took from "similar tickets": the ticket they were
     * on, the one they took (its resolution reused, marked a duplicate,
     * a suggestion accepted), who and when. The ranker learns from them;
     * one row per (ticket, taken, kind), the latest time kept. */
    "CREATE TABLE similar_signals(ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    " taken_id INTEGER NOT NULL REFERENCES tickets(id),"
    " kind TEXT NOT NULL CHECK(kind IN ('resolution_used', 'duplicate', 'suggestion_accepted')),"
    " user_id INTEGER REFERENCES users(id), at INTEGER NOT NULL,"
    " PRIMARY KEY(ticket_id, taken_id, kind)) WITHOUT ROWID;"
    /* a new ticket the duplicate check found likely to repeat an open one:
     * the candidate, the probability and the features it came from; an
     * agent may say it is not (dismissed) */
    "CREATE TABLE duplicate_flags(ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
    " candidate_id INTEGER NOT NULL REFERENCES tickets(id), probability REAL NOT NULL,"
    " features TEXT NOT NULL DEFAULT '{}', at INTEGER NOT NULL,"
    " dismissed_by INTEGER REFERENCES users(id), dismissed_at INTEGER);"
    /* the check reads a requester's tickets of the last days */
    "CREATE INDEX tickets_requester_created ON tickets(requester_id, created_at);",

    /* 24: links between tickets and merges. A link is stored once per
     * pair of tickets (the unique index on the pair, in either order):
     * kind 'duplicate' reads "from_id duplicates to_id" (to_id is the
     * master), 'parent' reads "to_id is the parent of from_id", 'related'
     * has no direction. A ticket has one parent and one master at most
     * (the partial unique index on from_id). merged: the duplicate was
     * merged into its master (its conversation copied there, itself
     * closed); such a link stays. A comment copied by a merge keeps its
     * author, date and visibility, and merged_from names the ticket it
     * came from (its own copy stays there). */
    "CREATE TABLE ticket_links(id INTEGER PRIMARY KEY,"
    " from_id INTEGER NOT NULL REFERENCES tickets(id),"
    " to_id INTEGER NOT NULL REFERENCES tickets(id),"
    " kind TEXT NOT NULL CHECK(kind IN ('duplicate', 'parent', 'related')),"
    " merged INTEGER NOT NULL DEFAULT 0 CHECK(merged IN (0, 1)),"
    " created_by INTEGER REFERENCES users(id), created_at INTEGER NOT NULL,"
    " CHECK(from_id <> to_id));"
    "CREATE UNIQUE INDEX ticket_links_pair ON ticket_links(min(from_id, to_id), max(from_id, to_id));"
    "CREATE UNIQUE INDEX ticket_links_up ON ticket_links(from_id, kind) WHERE kind <> 'related';"
    "CREATE INDEX ticket_links_from ON ticket_links(from_id);"
    "CREATE INDEX ticket_links_to ON ticket_links(to_id, kind);"
    "ALTER TABLE comments ADD COLUMN merged_from INTEGER REFERENCES tickets(id);",
};
