#include "services/auth/store_user_directory.h"

#include "platform/grpc/status.h"

namespace moodtape::auth {
namespace {

using platform::ErrorCode;
namespace v1 = store::v1;

// Store answers auth's logic depends on pass through; anything else (a refused caller, a store
// fault) is an internal error here, whose text goes to the log and never to the user.
platform::Error FromStore(const grpc::Status& status) {
  platform::Error error = platform::FromGrpcStatus(status);
  switch (error.code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kCancelled:
      return error;
    default:
      return platform::MakeError(ErrorCode::kInternal, "store: " + error.message);
  }
}

UserRecord FromProto(const v1::User& u) {
  return UserRecord{u.id(),
                    u.username(),
                    u.email(),
                    u.password_hash(),
                    {u.roles().begin(), u.roles().end()},
                    u.created_at_unix_ms(),
                    u.disabled()};
}

RefreshTokenRecord FromProto(const v1::RefreshToken& t) {
  return RefreshTokenRecord{t.token_hash(),         t.user_id(),
                            t.family_id(),          t.expires_at_unix_ms(),
                            t.revoked_at_unix_ms(), t.replaced_by()};
}

}  // namespace

std::unique_ptr<grpc::ClientContext> StoreUserDirectory::Context() const {
  return platform::NewClientContext(timeout_, parent_);
}

Result<UserRecord> StoreUserDirectory::CreateUser(const NewUser& user) {
  v1::CreateUserRequest req;
  req.set_username(user.username);
  req.set_email(user.email);
  req.set_password_hash(user.password_hash);
  for (const auto& role : user.roles) req.add_roles(role);
  v1::CreateUserResponse res;
  auto status = store_.CreateUser(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return FromProto(res.user());
}

Result<UserRecord> StoreUserDirectory::GetUser(const std::string& user_id) {
  v1::GetUserRequest req;
  req.set_user_id(user_id);
  v1::GetUserResponse res;
  auto status = store_.GetUser(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return FromProto(res.user());
}

Result<UserRecord> StoreUserDirectory::GetUserByLogin(const std::string& login) {
  v1::GetUserByLoginRequest req;
  req.set_login(login);
  v1::GetUserByLoginResponse res;
  auto status = store_.GetUserByLogin(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return FromProto(res.user());
}

Status StoreUserDirectory::StoreRefreshToken(const RefreshTokenRecord& token) {
  v1::StoreRefreshTokenRequest req;
  req.set_token_hash(token.token_hash);
  req.set_user_id(token.user_id);
  req.set_family_id(token.family_id);
  req.set_expires_at_unix_ms(token.expires_at_ms);
  v1::StoreRefreshTokenResponse res;
  auto status = store_.StoreRefreshToken(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return Status::Ok();
}

Result<RefreshTokenRecord> StoreUserDirectory::GetRefreshToken(const std::string& token_hash) {
  v1::GetRefreshTokenRequest req;
  req.set_token_hash(token_hash);
  v1::GetRefreshTokenResponse res;
  auto status = store_.GetRefreshToken(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return FromProto(res.token());
}

Result<RefreshTokenRecord> StoreUserDirectory::RotateRefreshToken(const std::string& old_hash,
                                                                  const std::string& new_hash,
                                                                  int64_t new_expires_at_ms) {
  v1::RotateRefreshTokenRequest req;
  req.set_old_token_hash(old_hash);
  req.set_new_token_hash(new_hash);
  req.set_new_expires_at_unix_ms(new_expires_at_ms);
  v1::RotateRefreshTokenResponse res;
  auto status = store_.RotateRefreshToken(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return FromProto(res.token());
}

Result<int64_t> StoreUserDirectory::RevokeTokenFamily(const std::string& family_id) {
  v1::RevokeTokenFamilyRequest req;
  req.set_family_id(family_id);
  v1::RevokeTokenFamilyResponse res;
  auto status = store_.RevokeTokenFamily(Context().get(), req, &res);
  if (!status.ok()) return FromStore(status);
  return res.revoked_count();
}

}  // namespace moodtape::auth
