// UserDirectory over the store's gRPC API. One instance per served call: every store call gets
// `timeout` as its deadline and inherits the request id and trace of `parent`.
#pragma once

#include <chrono>

#include "moodtape/store/v1/store_service.grpc.pb.h"
#include "platform/grpc/call_context.h"
#include "services/auth/core/user_directory.h"

namespace moodtape::auth {

class StoreUserDirectory final : public UserDirectory {
 public:
  StoreUserDirectory(store::v1::StoreService::StubInterface& store,
                     std::chrono::milliseconds timeout, const platform::CallContext* parent)
      : store_(store), timeout_(timeout), parent_(parent) {}

  Result<UserRecord> CreateUser(const NewUser& user) override;
  Result<UserRecord> GetUser(const std::string& user_id) override;
  Result<UserRecord> GetUserByLogin(const std::string& login) override;
  Status StoreRefreshToken(const RefreshTokenRecord& token) override;
  Result<RefreshTokenRecord> GetRefreshToken(const std::string& token_hash) override;
  Result<RefreshTokenRecord> RotateRefreshToken(const std::string& old_hash,
                                                const std::string& new_hash,
                                                int64_t new_expires_at_ms) override;
  Result<int64_t> RevokeTokenFamily(const std::string& family_id) override;

 private:
  std::unique_ptr<grpc::ClientContext> Context() const;

  store::v1::StoreService::StubInterface& store_;
  const std::chrono::milliseconds timeout_;
  const platform::CallContext* parent_;
};

}  // namespace moodtape::auth
