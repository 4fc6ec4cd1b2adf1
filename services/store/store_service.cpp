#include "services/store/store_service.h"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "platform/grpc_status.h"

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
  return policy;
}

StorageOptions ReadStorageOptions(platform::Config& config) {
  StorageOptions options;
  options.database_url = config.String("store", "database_url", options.database_url);
  if (options.database_url.rfind("sqlite:", 0) != 0 &&
      options.database_url.rfind("postgresql://", 0) != 0 &&
      options.database_url.rfind("postgres://", 0) != 0) {
    throw platform::ConfigError(
        "[store] database_url must be sqlite:<path> (e.g. sqlite:var/store/moodtape.db) or "
        "postgresql://...");
  }
  options.pool_size = static_cast<int>(config.Int("store", "pool_size", options.pool_size, 1, 64));
  return options;
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

}  // namespace moodtape::store
