#include "services/store/store_service.h"

#include <optional>
#include <string>

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "platform/grpc/status.h"
#include "services/store/album_service.h"
#include "services/store/asset_service.h"

namespace moodtape::store {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr const char* kService = "/moodtape.store.v1.StoreService/";

// Finishes the call: on success `fill` writes the response; otherwise the mapped error.
template <typename T, typename Fill>
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* ctx, const Result<T>& result,
                                Fill&& fill) {
  auto* reactor = ctx->DefaultReactor();
  if (!result.ok()) {
    reactor->Finish(platform::ToGrpcStatus(result.error()));
    return reactor;
  }
  fill(result.value());
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* ctx, std::string message) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(
      platform::ToGrpcStatus(MakeError(ErrorCode::kInvalidArgument, std::move(message))));
  return reactor;
}

void ToProto(const User& u, v1::User* out) {
  out->set_id(u.id);
  out->set_username(u.username);
  out->set_email(u.email);
  out->set_password_hash(u.password_hash);
  for (const auto& r : u.roles) out->add_roles(r);
  out->set_created_at_unix_ms(u.created_at_ms);
  out->set_disabled(u.disabled);
}

void ToProto(const RefreshToken& t, v1::RefreshToken* out) {
  out->set_token_hash(t.token_hash);
  out->set_user_id(t.user_id);
  out->set_family_id(t.family_id);
  out->set_expires_at_unix_ms(t.expires_at_ms);
  out->set_revoked_at_unix_ms(t.revoked_at_ms.value_or(0));
  out->set_replaced_by(t.replaced_by.value_or(""));
  out->set_created_at_unix_ms(t.created_at_ms);
}

bool IsEmotion(int value) {
  return common::v1::Emotion_IsValid(value) && value != common::v1::EMOTION_UNSPECIFIED;
}

// Tracks are kept as their proto JSON (field names as in the .proto), so the stored history
// stays readable and survives added Track fields.
std::string TracksToJson(const google::protobuf::RepeatedPtrField<common::v1::Track>& tracks) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out = "[";
  for (const auto& track : tracks) {
    std::string one;
    (void)google::protobuf::util::MessageToJsonString(track, &one, options);
    if (out.size() > 1) out += ',';
    out += one;
  }
  return out + "]";
}

void TracksFromJson(const std::string& json,
                    google::protobuf::RepeatedPtrField<common::v1::Track>* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_array()) return;
  for (const auto& item : parsed) {
    common::v1::Track track;
    if (google::protobuf::util::JsonStringToMessage(item.dump(), &track, options).ok())
      *out->Add() = std::move(track);
  }
}

void ToProto(const MoodResult& m, v1::MoodResult* out) {
  out->set_id(m.id);
  out->set_job_id(m.job_id);
  out->set_user_id(m.user_id);
  out->set_request_text(m.request_text);
  out->set_desired_emotion(static_cast<common::v1::Emotion>(m.desired_emotion));
  out->set_predicted_emotion(static_cast<common::v1::Emotion>(m.predicted_emotion));
  for (const auto& p : m.probabilities) {
    auto* score = out->add_probabilities();
    score->set_emotion(static_cast<common::v1::Emotion>(p.emotion));
    score->set_probability(p.probability);
  }
  out->mutable_start_point()->set_valence(m.start.valence);
  out->mutable_start_point()->set_arousal(m.start.arousal);
  out->mutable_target_point()->set_valence(m.target.valence);
  out->mutable_target_point()->set_arousal(m.target.arousal);
  TracksFromJson(m.playlist_json, out->mutable_playlist());
  out->set_created_at_unix_ms(m.created_at_ms);
}

// Proto -> core; the checks here are the ones only the proto knows (enum values, presence).
Result<MoodResult> FromProto(const v1::SaveMoodResultRequest& req) {
  if (!req.has_result()) return MakeError(ErrorCode::kInvalidArgument, "result is required");
  const auto& in = req.result();
  if (!IsEmotion(in.desired_emotion())) {
    return MakeError(ErrorCode::kInvalidArgument, "desired_emotion must be one of the 13 emotions");
  }
  if (!IsEmotion(in.predicted_emotion())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "predicted_emotion must be one of the 13 emotions");
  }
  if (!in.has_start_point())
    return MakeError(ErrorCode::kInvalidArgument, "start_point is required");
  if (!in.has_target_point())
    return MakeError(ErrorCode::kInvalidArgument, "target_point is required");
  MoodResult m;
  m.job_id = in.job_id();
  m.user_id = in.user_id();
  m.request_text = in.request_text();
  m.desired_emotion = in.desired_emotion();
  m.predicted_emotion = in.predicted_emotion();
  for (const auto& p : in.probabilities()) {
    if (!IsEmotion(p.emotion())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "every probability needs one of the 13 emotions");
    }
    m.probabilities.push_back({p.emotion(), p.probability()});
  }
  m.start = {in.start_point().valence(), in.start_point().arousal()};
  m.target = {in.target_point().valence(), in.target_point().arousal()};
  m.playlist_json = TracksToJson(in.playlist());
  return m;
}

void ToProto(const CatalogInfo& info, v1::CatalogInfo* out) {
  out->set_version(info.version);
  out->set_track_count(info.track_count);
  out->set_updated_at_unix_ms(info.updated_at_ms);
  out->set_source(info.source);
}

// The stored fields plus the derived ones: the mood-plane point and explicit_content.
void ToProto(const StoredTrack& t, common::v1::Track* out) {
  out->set_id(t.id);
  out->set_title(t.title);
  out->set_artist(t.artist);
  out->set_album(t.album);
  out->set_genre(t.genre);
  out->set_duration_ms(static_cast<int32_t>(t.duration_ms));
  out->set_tempo_bpm(t.tempo_bpm);
  out->set_key(t.pitch_class);
  out->set_mode(t.mode);
  out->set_valence(t.valence);
  out->set_energy(t.energy);
  out->set_danceability(t.danceability);
  out->set_content_rating(static_cast<common::v1::ContentRating>(t.content_rating));
  out->set_explicit_content(t.content_rating == ContentRating::kExplicit);
  out->set_source(t.source);
  out->mutable_point()->set_valence(2 * t.valence - 1);
  out->mutable_point()->set_arousal(2 * t.energy - 1);
}

// The core checks ranges; point is derived, so an incoming one is ignored. A client that sets
// only explicit_content (no content_rating) gets EXPLICIT.
StoredTrack FromProto(const common::v1::Track& in) {
  StoredTrack t;
  t.id = in.id();
  t.title = in.title();
  t.artist = in.artist();
  t.album = in.album();
  t.genre = in.genre();
  t.duration_ms = in.duration_ms();
  t.tempo_bpm = in.tempo_bpm();
  t.pitch_class = in.key();
  t.mode = in.mode();
  t.valence = in.valence();
  t.energy = in.energy();
  t.danceability = in.danceability();
  t.content_rating = static_cast<ContentRating>(in.content_rating());
  if (in.content_rating() == common::v1::CONTENT_RATING_UNSPECIFIED && in.explicit_content())
    t.content_rating = ContentRating::kExplicit;
  t.source = in.source();
  return t;
}

// Reads the whole client stream into memory (core types; each message is dropped once
// converted), then imports once. gRPC marks the context cancelled before OnReadDone(false) when
// the stream failed rather than half-closed, so IsCancelled() there tells the two apart.
class ImportCatalogReactor final : public grpc::ServerReadReactor<v1::ImportCatalogRequest> {
 public:
  ImportCatalogReactor(grpc::CallbackServerContext* ctx, Storage& storage,
                       v1::ImportCatalogResponse* res)
      : ctx_(ctx), storage_(storage), res_(res) {
    StartRead(&req_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      if (ctx_->IsCancelled()) {
        Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                            "the import stream was cancelled; nothing was imported"));
        return;
      }
      Import();
      return;
    }
    if (auto error = Take()) {
      Finish(platform::ToGrpcStatus(*error));
      return;
    }
    StartRead(&req_);
  }

  void OnDone() override { delete this; }

 private:
  // Moves one message into the buffer, or says why the import stops here.
  std::optional<platform::Error> Take() {
    ++messages_;
    if (messages_ == 1) {
      switch (req_.mode()) {
        case v1::CATALOG_IMPORT_MODE_UNSPECIFIED:
        case v1::CATALOG_IMPORT_MODE_MERGE:
          import_.mode = CatalogImportMode::kMerge;
          break;
        case v1::CATALOG_IMPORT_MODE_REPLACE:
          import_.mode = CatalogImportMode::kReplace;
          break;
        default:
          return MakeError(ErrorCode::kInvalidArgument, "mode must be MERGE or REPLACE");
      }
      if (req_.has_expected_version()) import_.expected_version = req_.expected_version();
      import_.source = req_.source();
    }
    const int count = req_.tracks_size();
    if (count > StoreServiceImpl::kMaxTracksPerImportMessage) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "message " + std::to_string(messages_) + " of the import holds " +
                           std::to_string(count) + " tracks; at most " +
                           std::to_string(StoreServiceImpl::kMaxTracksPerImportMessage) +
                           " per message; nothing was imported");
    }
    if (import_.tracks.size() + count > StorageLimits::kMaxCatalogImportTracks) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "an import holds at most " +
                           std::to_string(StorageLimits::kMaxCatalogImportTracks) +
                           " tracks; nothing was imported");
    }
    for (const auto& track : req_.tracks()) import_.tracks.push_back(FromProto(track));
    req_.Clear();
    return std::nullopt;
  }

  void Import() {
    auto result = storage_.ImportCatalog(import_);
    import_ = CatalogImport();  // free the buffer before the reply goes out
    if (!result.ok()) {
      Finish(platform::ToGrpcStatus(result.error()));
      return;
    }
    ToProto(result->catalog, res_->mutable_catalog());
    res_->set_tracks_written(result->tracks_written);
    Finish(grpc::Status::OK);
  }

  grpc::CallbackServerContext* ctx_;
  Storage& storage_;
  v1::ImportCatalogResponse* res_;
  v1::ImportCatalogRequest req_;
  CatalogImport import_;
  int64_t messages_ = 0;
};

// Writes one page at a time; the next page is read only after the previous write completed, so
// a slow reader holds no more than one batch in memory.
class ListCatalogTracksReactor final
    : public grpc::ServerWriteReactor<v1::ListCatalogTracksResponse> {
 public:
  ListCatalogTracksReactor(Storage& storage, int batch_size)
      : storage_(storage), batch_size_(batch_size) {
    NextPage();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the reader went away"));
      return;
    }
    if (last_) {
      Finish(grpc::Status::OK);
      return;
    }
    NextPage();
  }

  void OnDone() override { delete this; }

 private:
  void NextPage() {
    auto page = storage_.ListCatalogPage(after_id_, batch_size_);
    if (!page.ok()) {
      Finish(platform::ToGrpcStatus(page.error()));
      return;
    }
    if (!first_version_) {
      first_version_ = page->catalog.version;
    } else if (page->catalog.version != *first_version_) {
      Finish(platform::ToGrpcStatus(MakeError(
          ErrorCode::kAborted, "the catalogue changed while it was being read (version " +
                                   std::to_string(*first_version_) + " -> " +
                                   std::to_string(page->catalog.version) + "); read it again")));
      return;
    }
    last_ = page->tracks.size() < static_cast<size_t>(batch_size_);
    if (page->tracks.empty() && sent_any_) {
      Finish(grpc::Status::OK);  // the previous page was full and happened to be the last
      return;
    }
    if (!page->tracks.empty()) after_id_ = page->tracks.back().id;
    res_.Clear();
    ToProto(page->catalog, res_.mutable_catalog());
    for (const auto& track : page->tracks) ToProto(track, res_.add_tracks());
    sent_any_ = true;
    StartWrite(&res_);
  }

  Storage& storage_;
  const int batch_size_;
  std::string after_id_;
  std::optional<int64_t> first_version_;
  bool last_ = false;
  bool sent_any_ = false;
  v1::ListCatalogTracksResponse res_;
};

}  // namespace

platform::AccessPolicy StoreAccessPolicy() {
  platform::AccessPolicy policy;
  for (const char* method : {"CreateUser", "GetUser", "GetUserByLogin", "CountUsers",
                             "SetUserRoles", "StoreRefreshToken", "GetRefreshToken",
                             "RotateRefreshToken", "RevokeTokenFamily", "RevokeUserTokens"}) {
    policy.Allow(std::string(kService) + method, {"auth"});
  }
  policy.Allow(std::string(kService) + "SaveMoodResult", {"worker"});
  policy.Allow(std::string(kService) + "ListMoodHistory", {"gateway", "worker"});
  policy.Allow(std::string(kService) + "GetMoodResult", {"gateway", "worker"});
  for (const char* method : {"ImportCatalog", "GetCatalogInfo", "ListCatalogTracks"}) {
    policy.Allow(std::string(kService) + method, {"playlist"});
  }
  AllowAssetCallers(policy);
  AllowAlbumCallers(policy);
  return policy;
}

StoreSettings ReadStoreSettings(platform::Config& config) {
  StoreSettings s;
  StorageOptions& options = s.storage;
  options.database_url = config.String("store", "database_url", options.database_url);
  if (options.database_url.rfind("sqlite:", 0) != 0 &&
      options.database_url.rfind("postgresql://", 0) != 0 &&
      options.database_url.rfind("postgres://", 0) != 0) {
    throw platform::ConfigError(
        "[store] database_url must be sqlite:<path> (e.g. sqlite:var/store/moodtape.db) or "
        "postgresql://...");
  }
  options.pool_size = static_cast<int>(config.Int("store", "pool_size", options.pool_size, 1, 64));
  options.assets.max_asset_bytes =
      config.Int("store", "max_asset_bytes", options.assets.max_asset_bytes, 1024, 1LL << 30);
  options.assets.quota_bytes =
      config.Int("store", "asset_quota_bytes", options.assets.quota_bytes, 0, 1LL << 50);
  s.handler_threads =
      static_cast<int>(config.Int("store", "handler_threads", s.handler_threads, 1, 256));
  s.handler_queue =
      static_cast<int>(config.Int("store", "handler_queue", s.handler_queue, 1, 100000));
  s.spool_dir = config.String("store", "spool_dir", s.spool_dir);
  return s;
}

grpc::ServerUnaryReactor* StoreServiceImpl::CreateUser(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateUserRequest* req,
                                                       v1::CreateUserResponse* res) {
  NewUser user{req->username(),
               req->email(),
               req->password_hash(),
               {req->roles().begin(), req->roles().end()}};
  return Reply(ctx, storage_.CreateUser(user),
               [&](const User& u) { ToProto(u, res->mutable_user()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::GetUser(grpc::CallbackServerContext* ctx,
                                                    const v1::GetUserRequest* req,
                                                    v1::GetUserResponse* res) {
  return Reply(ctx, storage_.GetUserById(req->user_id()),
               [&](const User& u) { ToProto(u, res->mutable_user()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::GetUserByLogin(grpc::CallbackServerContext* ctx,
                                                           const v1::GetUserByLoginRequest* req,
                                                           v1::GetUserByLoginResponse* res) {
  return Reply(ctx, storage_.GetUserByLogin(req->login()),
               [&](const User& u) { ToProto(u, res->mutable_user()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::CountUsers(grpc::CallbackServerContext* ctx,
                                                       const v1::CountUsersRequest*,
                                                       v1::CountUsersResponse* res) {
  return Reply(ctx, storage_.CountUsers(), [&](int64_t n) { res->set_count(n); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::SetUserRoles(grpc::CallbackServerContext* ctx,
                                                         const v1::SetUserRolesRequest* req,
                                                         v1::SetUserRolesResponse* res) {
  std::vector<std::string> roles(req->roles().begin(), req->roles().end());
  return Reply(ctx, storage_.SetUserRoles(req->user_id(), roles),
               [&](const User& u) { ToProto(u, res->mutable_user()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::StoreRefreshToken(
    grpc::CallbackServerContext* ctx, const v1::StoreRefreshTokenRequest* req,
    v1::StoreRefreshTokenResponse* res) {
  NewRefreshToken token{req->token_hash(), req->user_id(), req->family_id(),
                        req->expires_at_unix_ms()};
  return Reply(ctx, storage_.StoreRefreshToken(token),
               [&](const RefreshToken& t) { ToProto(t, res->mutable_token()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::GetRefreshToken(grpc::CallbackServerContext* ctx,
                                                            const v1::GetRefreshTokenRequest* req,
                                                            v1::GetRefreshTokenResponse* res) {
  return Reply(ctx, storage_.GetRefreshToken(req->token_hash()),
               [&](const RefreshToken& t) { ToProto(t, res->mutable_token()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::RotateRefreshToken(
    grpc::CallbackServerContext* ctx, const v1::RotateRefreshTokenRequest* req,
    v1::RotateRefreshTokenResponse* res) {
  return Reply(ctx,
               storage_.RotateRefreshToken(req->old_token_hash(), req->new_token_hash(),
                                           req->new_expires_at_unix_ms()),
               [&](const RefreshToken& t) { ToProto(t, res->mutable_token()); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::RevokeTokenFamily(
    grpc::CallbackServerContext* ctx, const v1::RevokeTokenFamilyRequest* req,
    v1::RevokeTokenFamilyResponse* res) {
  return Reply(ctx, storage_.RevokeTokenFamily(req->family_id()),
               [&](int64_t n) { res->set_revoked_count(n); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::RevokeUserTokens(grpc::CallbackServerContext* ctx,
                                                             const v1::RevokeUserTokensRequest* req,
                                                             v1::RevokeUserTokensResponse* res) {
  return Reply(ctx, storage_.RevokeUserTokens(req->user_id()),
               [&](int64_t n) { res->set_revoked_count(n); });
}

grpc::ServerUnaryReactor* StoreServiceImpl::SaveMoodResult(grpc::CallbackServerContext* ctx,
                                                           const v1::SaveMoodResultRequest* req,
                                                           v1::SaveMoodResultResponse* res) {
  auto result = FromProto(*req);
  if (!result.ok()) return Reject(ctx, result.error().message);
  return Reply(ctx, storage_.SaveMoodResult(*result), [&](const SavedMoodResult& saved) {
    ToProto(saved.result, res->mutable_result());
    res->set_created(saved.created);
  });
}

grpc::ServerUnaryReactor* StoreServiceImpl::ListMoodHistory(grpc::CallbackServerContext* ctx,
                                                            const v1::ListMoodHistoryRequest* req,
                                                            v1::ListMoodHistoryResponse* res) {
  return Reply(ctx, storage_.ListMoodHistory(req->user_id(), req->page_size(), req->page_token()),
               [&](const MoodHistoryPage& page) {
                 for (const auto& m : page.results) ToProto(m, res->add_results());
                 res->set_next_page_token(page.next_cursor);
               });
}

grpc::ServerUnaryReactor* StoreServiceImpl::GetMoodResult(grpc::CallbackServerContext* ctx,
                                                          const v1::GetMoodResultRequest* req,
                                                          v1::GetMoodResultResponse* res) {
  return Reply(ctx, storage_.GetMoodResult(req->user_id(), req->job_id()),
               [&](const MoodResult& m) { ToProto(m, res->mutable_result()); });
}

grpc::ServerReadReactor<v1::ImportCatalogRequest>* StoreServiceImpl::ImportCatalog(
    grpc::CallbackServerContext* ctx, v1::ImportCatalogResponse* res) {
  return new ImportCatalogReactor(ctx, storage_, res);
}

grpc::ServerUnaryReactor* StoreServiceImpl::GetCatalogInfo(grpc::CallbackServerContext* ctx,
                                                           const v1::GetCatalogInfoRequest*,
                                                           v1::GetCatalogInfoResponse* res) {
  return Reply(ctx, storage_.GetCatalogInfo(),
               [&](const CatalogInfo& info) { ToProto(info, res->mutable_catalog()); });
}

grpc::ServerWriteReactor<v1::ListCatalogTracksResponse>* StoreServiceImpl::ListCatalogTracks(
    grpc::CallbackServerContext*, const v1::ListCatalogTracksRequest* req) {
  int batch_size =
      req->batch_size() == 0 ? StorageLimits::kDefaultCatalogPageSize : req->batch_size();
  return new ListCatalogTracksReactor(storage_, batch_size);
}

}  // namespace moodtape::store
