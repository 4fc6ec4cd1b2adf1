-- 0002: the track catalogue the playlist service plans from, and one row describing it.
-- Same SQL subset as 0001. Column names avoid SQL keywords (pitch_class, not "key").
--
-- catalog_tracks holds only what an import supplied; the mood-plane point is derived on reads
-- (x = 2*valence-1, y = 2*energy-1), so it can never disagree with valence and energy.

CREATE TABLE catalog_tracks (
  id             TEXT             PRIMARY KEY,
  title          TEXT             NOT NULL,
  artist         TEXT             NOT NULL,
  album          TEXT             NOT NULL DEFAULT '',
  genre          TEXT             NOT NULL DEFAULT '',
  duration_ms    BIGINT           NOT NULL DEFAULT 0,
  tempo          DOUBLE PRECISION NOT NULL,
  pitch_class    INTEGER          NOT NULL DEFAULT -1,  -- 0..11 (C = 0), -1 unknown
  mode           INTEGER          NOT NULL DEFAULT -1,  -- 1 major, 0 minor, -1 unknown
  valence        DOUBLE PRECISION NOT NULL,
  energy         DOUBLE PRECISION NOT NULL,
  danceability   DOUBLE PRECISION NOT NULL DEFAULT 0,
  content_rating INTEGER          NOT NULL DEFAULT 0,   -- 0 unknown, 1 clean, 2 explicit
  source         TEXT             NOT NULL DEFAULT ''
);

-- Exactly one row (id = 1). version goes up by one per import (0: never imported) and is what
-- readers compare to notice an import landing between pages; every import also locks this row
-- first, which serialises concurrent imports on PostgreSQL.
CREATE TABLE catalog_state (
  id          INTEGER PRIMARY KEY,
  version     BIGINT  NOT NULL,
  track_count BIGINT  NOT NULL,
  updated_at  BIGINT  NOT NULL,
  source      TEXT    NOT NULL
);
INSERT INTO catalog_state (id, version, track_count, updated_at, source) VALUES (1, 0, 0, 0, '');
