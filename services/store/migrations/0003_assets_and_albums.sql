-- 0003: assets (files users own, stored once per distinct content, in chunks) and albums.
-- Same SQL subset as 0001. Bytes are BYTEA: PostgreSQL's binary type; SQLite takes any type
-- name, gives this one NUMERIC affinity, and never converts a BLOB value, which is the only way
-- the store binds chunks. No ON DELETE CASCADE from users: deleting a user must release their
-- assets (and delete the ones nobody else holds), which a cascade would silently skip.

-- id is the SHA-256 of the bytes (lower-case hex), so identical bytes are one row.
CREATE TABLE assets (
  id          TEXT   PRIMARY KEY,
  media_type  TEXT   NOT NULL,
  size_bytes  BIGINT NOT NULL,
  chunk_bytes BIGINT NOT NULL,  -- every chunk but the last holds exactly this many bytes
  created_at  BIGINT NOT NULL
);

CREATE TABLE asset_chunks (
  asset_id TEXT   NOT NULL REFERENCES assets (id),
  seq      BIGINT NOT NULL,  -- 0-based; the chunk starts at byte seq * assets.chunk_bytes
  data     BYTEA  NOT NULL,
  PRIMARY KEY (asset_id, seq)
);

-- Who holds each asset; an asset without a row here is deleted with its chunks.
CREATE TABLE asset_owners (
  asset_id      TEXT   NOT NULL REFERENCES assets (id),
  owner_user_id TEXT   NOT NULL REFERENCES users (id),
  created_at    BIGINT NOT NULL,
  PRIMARY KEY (asset_id, owner_user_id)
);
CREATE INDEX asset_owners_owner_idx ON asset_owners (owner_user_id, asset_id);

-- The bytes of the assets a user holds, each counted once. The quota is checked and charged by
-- one conditional UPDATE of this column, which on PostgreSQL also queues one user's concurrent
-- uploads behind each other, so two of them cannot both fit into the last free megabytes.
ALTER TABLE users ADD COLUMN asset_bytes BIGINT NOT NULL DEFAULT 0;

-- The asset columns reference the owner's claim (asset_owners), not just the asset: the database
-- itself guarantees an album only ever uses assets its owner holds, and refuses to release a
-- claim an album still uses. A NULL asset id (none) is not checked.
CREATE TABLE albums (
  id                       TEXT   PRIMARY KEY,
  owner_user_id            TEXT   NOT NULL REFERENCES users (id),
  job_id                   TEXT   NOT NULL,
  title                    TEXT   NOT NULL,
  genre                    TEXT   NOT NULL,
  theme                    TEXT   NOT NULL,
  cover_description        TEXT   NOT NULL,
  seed                     BIGINT NOT NULL,  -- the unsigned 64-bit seed's bits
  cover_asset_id           TEXT,
  cover_thumbnail_asset_id TEXT,
  created_at               BIGINT NOT NULL,
  FOREIGN KEY (cover_asset_id, owner_user_id) REFERENCES asset_owners (asset_id, owner_user_id),
  FOREIGN KEY (cover_thumbnail_asset_id, owner_user_id)
    REFERENCES asset_owners (asset_id, owner_user_id)
);
-- One album per job: a retried job's save loses this index and returns the first album.
CREATE UNIQUE INDEX albums_job_id_key ON albums (job_id);
-- Keyset pagination, as mood_history.
CREATE INDEX albums_owner_page_idx ON albums (owner_user_id, created_at, id);
CREATE INDEX albums_cover_idx ON albums (cover_asset_id, owner_user_id);
CREATE INDEX albums_thumbnail_idx ON albums (cover_thumbnail_asset_id, owner_user_id);

CREATE TABLE album_songs (
  album_id         TEXT             NOT NULL REFERENCES albums (id),
  song_index       INTEGER          NOT NULL,
  owner_user_id    TEXT             NOT NULL,  -- the album's, so the references below name a claim
  title            TEXT             NOT NULL,
  lyrics           TEXT             NOT NULL,
  song_key         TEXT             NOT NULL,
  tempo_bpm        DOUBLE PRECISION NOT NULL,
  duration_seconds DOUBLE PRECISION NOT NULL,
  ogg_asset_id     TEXT,
  mp3_asset_id     TEXT,
  midi_asset_id    TEXT,
  lrc_asset_id     TEXT,
  lyrics_by        TEXT             NOT NULL,
  PRIMARY KEY (album_id, song_index),
  FOREIGN KEY (ogg_asset_id, owner_user_id) REFERENCES asset_owners (asset_id, owner_user_id),
  FOREIGN KEY (mp3_asset_id, owner_user_id) REFERENCES asset_owners (asset_id, owner_user_id),
  FOREIGN KEY (midi_asset_id, owner_user_id) REFERENCES asset_owners (asset_id, owner_user_id),
  FOREIGN KEY (lrc_asset_id, owner_user_id) REFERENCES asset_owners (asset_id, owner_user_id)
);
-- "Does another album of this owner still use the asset?" and the foreign-key checks when a
-- claim is released both look songs up by asset.
CREATE INDEX album_songs_ogg_idx ON album_songs (ogg_asset_id, owner_user_id);
CREATE INDEX album_songs_mp3_idx ON album_songs (mp3_asset_id, owner_user_id);
CREATE INDEX album_songs_midi_idx ON album_songs (midi_asset_id, owner_user_id);
CREATE INDEX album_songs_lrc_idx ON album_songs (lrc_asset_id, owner_user_id);
