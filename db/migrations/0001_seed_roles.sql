-- The tenant-wide roles are fixed; code refers to them by key.
INSERT INTO "roles" ("key", "name", "description") VALUES
  ('owner', 'Owner', 'Runs the school account: billing, domains, every admin power.'),
  ('admin', 'Admin', 'Manages people, roles and school settings.'),
  ('teacher', 'Teacher', 'Plans courses and teaches classes.'),
  ('student', 'Student', 'Joins the classes they are enrolled in.')
ON CONFLICT ("key") DO NOTHING;
