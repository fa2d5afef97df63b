-- Daily pre-aggregate of responses per unit and LOCAL day (the agency's time zone), for the weekly
-- summary: a week, month or quarter is a range of local days, so a summary reads one row per unit
-- and day instead of every response (about 20 times fewer rows for a unit with 20 responses a day),
-- and its time does not grow with history.
--
-- Kept right by triggers, whatever writes the responses (the survey, imports, bulk SQL):
--  - inserting or deleting responses adds or subtracts their sums (statement-level, grouped, so a
--    bulk insert costs one upsert per unit and day, not one per row);
--  - changing an agency's time zone, or moving a unit to another agency, recomputes the days of
--    the units concerned from the responses.
-- Updates of a response's answers, unit or time are not expected (responses are never edited);
-- they are handled as a delete plus an insert all the same.

CREATE TABLE "ResponseDayStat" (
    "unitId"   INTEGER NOT NULL,
    "day"      DATE    NOT NULL,
    "n"        INTEGER NOT NULL,
    "s1" INTEGER NOT NULL, "s2" INTEGER NOT NULL, "s3" INTEGER NOT NULL,
    "s4" INTEGER NOT NULL, "s5" INTEGER NOT NULL, "s6" INTEGER NOT NULL,
    "s7" INTEGER NOT NULL, "s8" INTEGER NOT NULL, "s9" INTEGER NOT NULL,
    "maladmin" INTEGER NOT NULL,
    "flagged"  INTEGER NOT NULL,
    CONSTRAINT "ResponseDayStat_pkey" PRIMARY KEY ("unitId", "day")
);

-- The statement that adds (sign 1) or subtracts (sign -1) the responses of a transition table,
-- grouped by unit and local day. Transition tables are only visible inside the trigger function
-- itself, so the triggers EXECUTE this text rather than call a function that reads them.
CREATE FUNCTION skm_day_stat_sql(source text, sign integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
  INSERT INTO "ResponseDayStat" AS d ("unitId", "day", n, s1, s2, s3, s4, s5, s6, s7, s8, s9, maladmin, flagged)
  SELECT r."unitId",
         ((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date,
         %2$s * count(*), %2$s * sum(r.u1), %2$s * sum(r.u2), %2$s * sum(r.u3), %2$s * sum(r.u4), %2$s * sum(r.u5),
         %2$s * sum(r.u6), %2$s * sum(r.u7), %2$s * sum(r.u8), %2$s * sum(r.u9),
         %2$s * count(*) FILTER (WHERE r."maladminCount" > 0),
         %2$s * count(*) FILTER (WHERE cardinality(r.flags) > 0)
  FROM %1$I r
  JOIN "ServiceUnit" u ON u.id = r."unitId"
  JOIN "Agency" a ON a.id = u."agencyId"
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT ("unitId", "day") DO UPDATE SET
    n = d.n + EXCLUDED.n, s1 = d.s1 + EXCLUDED.s1, s2 = d.s2 + EXCLUDED.s2, s3 = d.s3 + EXCLUDED.s3,
    s4 = d.s4 + EXCLUDED.s4, s5 = d.s5 + EXCLUDED.s5, s6 = d.s6 + EXCLUDED.s6, s7 = d.s7 + EXCLUDED.s7,
    s8 = d.s8 + EXCLUDED.s8, s9 = d.s9 + EXCLUDED.s9, maladmin = d.maladmin + EXCLUDED.maladmin,
    flagged = d.flagged + EXCLUDED.flagged$q$, source, sign)
$$;

-- Recomputes the days of some units from their responses (after a time-zone change).
CREATE FUNCTION skm_day_stat_rebuild(unit_ids integer[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM "ResponseDayStat" WHERE "unitId" = ANY(unit_ids);
  INSERT INTO "ResponseDayStat" ("unitId", "day", n, s1, s2, s3, s4, s5, s6, s7, s8, s9, maladmin, flagged)
  SELECT r."unitId", ((r."submittedAt" AT TIME ZONE 'UTC') AT TIME ZONE a."timeZone")::date,
         count(*), sum(r.u1), sum(r.u2), sum(r.u3), sum(r.u4), sum(r.u5), sum(r.u6), sum(r.u7), sum(r.u8), sum(r.u9),
         count(*) FILTER (WHERE r."maladminCount" > 0), count(*) FILTER (WHERE cardinality(r.flags) > 0)
  FROM "Response" r
  JOIN "ServiceUnit" u ON u.id = r."unitId"
  JOIN "Agency" a ON a.id = u."agencyId"
  WHERE r."unitId" = ANY(unit_ids)
  GROUP BY 1, 2;
$$;

CREATE FUNCTION skm_response_day_stat_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE skm_day_stat_sql('new_rows', 1);
  RETURN NULL;
END $$;

CREATE FUNCTION skm_response_day_stat_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE skm_day_stat_sql('old_rows', -1);
  DELETE FROM "ResponseDayStat" d USING (SELECT DISTINCT "unitId" FROM old_rows) o WHERE d."unitId" = o."unitId" AND d.n = 0;
  RETURN NULL;
END $$;

CREATE FUNCTION skm_response_day_stat_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only changes of what the stats count matter (erasure and retention only clear personal columns).
  IF EXISTS (
    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (n."unitId", n."submittedAt", n.u1, n.u2, n.u3, n.u4, n.u5, n.u6, n.u7, n.u8, n.u9, n."maladminCount", cardinality(n.flags) > 0)
          IS DISTINCT FROM
          (o."unitId", o."submittedAt", o.u1, o.u2, o.u3, o.u4, o.u5, o.u6, o.u7, o.u8, o.u9, o."maladminCount", cardinality(o.flags) > 0)
  ) THEN
    EXECUTE skm_day_stat_sql('old_rows', -1);
    EXECUTE skm_day_stat_sql('new_rows', 1);
    DELETE FROM "ResponseDayStat" d USING (SELECT DISTINCT "unitId" FROM old_rows) o WHERE d."unitId" = o."unitId" AND d.n = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Response_day_stat_insert" AFTER INSERT ON "Response"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION skm_response_day_stat_insert();
CREATE TRIGGER "Response_day_stat_delete" AFTER DELETE ON "Response"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION skm_response_day_stat_delete();
CREATE TRIGGER "Response_day_stat_update" AFTER UPDATE ON "Response"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION skm_response_day_stat_update();

CREATE FUNCTION skm_agency_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM skm_day_stat_rebuild(ARRAY(SELECT id FROM "ServiceUnit" WHERE "agencyId" = NEW.id));
  RETURN NULL;
END $$;

CREATE TRIGGER "Agency_time_zone_day_stat" AFTER UPDATE OF "timeZone" ON "Agency"
  FOR EACH ROW WHEN (OLD."timeZone" IS DISTINCT FROM NEW."timeZone") EXECUTE FUNCTION skm_agency_time_zone_changed();

CREATE FUNCTION skm_unit_agency_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM skm_day_stat_rebuild(ARRAY[NEW.id]);
  RETURN NULL;
END $$;

CREATE TRIGGER "ServiceUnit_agency_day_stat" AFTER UPDATE OF "agencyId" ON "ServiceUnit"
  FOR EACH ROW WHEN (OLD."agencyId" IS DISTINCT FROM NEW."agencyId") EXECUTE FUNCTION skm_unit_agency_changed();

-- Responses stored before this migration.
SELECT skm_day_stat_rebuild(ARRAY(SELECT id FROM "ServiceUnit"));
