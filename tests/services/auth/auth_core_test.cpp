// The auth core with fakes for the store and the throttle counters and a ManualClock: every
// sign-up rule, duplicates, the first admin, log-in with one error for every bad credential,
// growing lock-outs and their expiry, refresh rotation, reuse detection, log-out, signing keys.
#include <sys/stat.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platform/base/encoding.h"
#include "platform/security/jwt.h"
#include "services/auth/core/account_rules.h"
#include "services/auth/core/accounts.h"
#include "tests/services/auth/fakes.h"
#include "tests/support/test_support.h"

namespace moodtape::auth {
namespace {

using namespace std::chrono_literals;
using platform::ErrorCode;
using ::testing::HasSubstr;

constexpr const char* kPassword = "correct horse battery";

// 2030-01-01T00:00:00Z, so kids and expiry are reproducible.
platform::ManualClock MakeClock() {
  return platform::ManualClock(std::chrono::system_clock::time_point(1893456000s));
}

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest()
      : clock_(MakeClock()),
        users_(clock_),
        throttle_(ThrottlePolicy{}, attempts_, clock_),
        keys_(SigningKeys::Open(dir_.File("signing"), dir_.File("jwks.json"), clock_)),
        accounts_(tokens_, users_, throttle_, Hasher(), *keys_, clock_) {}

  static const PasswordHasher& Hasher() {
    static const PasswordHasher hasher(Argon2Limits::MinimumForTests());
    return hasher;
  }

  IssuedSession SignUp(const std::string& name) {
    auto session = accounts_.SignUp({name, name + "@example.org", kPassword, "10.0.0.1"});
    EXPECT_TRUE(session.ok()) << session.error().message;
    return session.ok() ? *session : IssuedSession{};
  }

  // The lock-out wait in seconds, when the result carries one (0 otherwise).
  Result<IssuedSession> Login(const std::string& login, const std::string& password,
                              const std::string& address = "10.0.0.1",
                              int64_t* retry_after = nullptr) {
    auto r = accounts_.Login({login, password, address});
    if (retry_after != nullptr && !r.ok() && r.error().retry_after) {
      *retry_after =
          std::chrono::duration_cast<std::chrono::seconds>(*r.error().retry_after).count();
    }
    return r;
  }

  platform::JwtVerifier Verifier() {
    return platform::JwtVerifier(keys_->PublicKeys(), "moodtape", &clock_);
  }

  moodtape::testing::TempDir dir_;
  platform::ManualClock clock_;
  FakeUserDirectory users_;
  FakeAttemptCounter attempts_;
  LoginThrottle throttle_;
  std::unique_ptr<SigningKeys> keys_;
  TokenPolicy tokens_;
  Accounts accounts_;
};

// ---- sign-up rules ----

TEST(AccountRulesTest, UsernameIsLowerCasedAndRestricted) {
  EXPECT_EQ(NormaliseUsername("Alice_B.c-9").value(), "alice_b.c-9");
  EXPECT_EQ(NormaliseUsername(std::string(32, 'a')).value(), std::string(32, 'a'));
  for (const char* bad : {"ab", "", "with space", "émile", "a/b", "bob!", "x@y"}) {
    auto r = NormaliseUsername(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_THAT(NormaliseUsername("ab").error().message, HasSubstr("3 to 32"));
  EXPECT_THAT(NormaliseUsername(std::string(33, 'a')).error().message, HasSubstr("3 to 32"));
  EXPECT_THAT(NormaliseUsername("a b c").error().message, HasSubstr("a-z"));
}

TEST(AccountRulesTest, EmailIsTrimmedLowerCasedAndShapeChecked) {
  EXPECT_EQ(NormaliseEmail("  Alice@Example.ORG ").value(), "alice@example.org");
  for (const char* bad :
       {"", "alice", "@example.org", "alice@", "alice@example", "a@b@c.org", "al ice@example.org",
        "alice@.example.org", "alice@example..org", "alice@example.org.", "<alice>@example.org"}) {
    auto r = NormaliseEmail(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(NormaliseEmail("alice").error().message, "email must look like name@example.org");
  EXPECT_FALSE(NormaliseEmail(std::string(250, 'a') + "@x.org").ok());
}

TEST(AccountRulesTest, PasswordRules) {
  EXPECT_TRUE(CheckPassword(kPassword, "alice", "alice@example.org").ok());
  // Code points, not bytes: ten accented letters pass, nine (18 bytes) do not.
  std::string e_acute = "\xC3\xA9";
  std::string ten, nine;
  for (int i = 0; i < 10; ++i) ten += e_acute;
  for (int i = 0; i < 9; ++i) nine += e_acute;
  EXPECT_TRUE(CheckPassword(ten, "alice", "alice@example.org").ok());
  EXPECT_THAT(CheckPassword(nine, "alice", "a@example.org").error().message,
              HasSubstr("at least 10 characters"));
  EXPECT_THAT(CheckPassword("short", "alice", "a@example.org").error().message,
              HasSubstr("at least 10 characters"));
  EXPECT_THAT(CheckPassword(std::string(1025, 'x'), "alice", "a@example.org").error().message,
              HasSubstr("at most 1024 bytes"));
  EXPECT_TRUE(CheckPassword(std::string(1024, 'x'), "alice", "a@example.org").ok());
  EXPECT_THAT(CheckPassword("abcdefghi\xFF", "alice", "a@example.org").error().message,
              HasSubstr("UTF-8"));
  EXPECT_THAT(CheckPassword("abcdefgh\xC0\xAF", "alice", "a@example.org").error().message,
              HasSubstr("UTF-8"));  // overlong encoding
  EXPECT_THAT(CheckPassword("Password123", "alice", "a@example.org").error().message,
              HasSubstr("most common"));
  EXPECT_THAT(CheckPassword("QWERTYUIOP", "alice", "a@example.org").error().message,
              HasSubstr("most common"));
  EXPECT_THAT(CheckPassword("Alice.Smith", "alice.smith", "a@example.org").error().message,
              HasSubstr("username or email"));
  EXPECT_THAT(CheckPassword("alice@example.org", "alice", "alice@example.org").error().message,
              HasSubstr("username or email"));
  EXPECT_TRUE(IsCommonPassword("1234567890"));
  EXPECT_FALSE(IsCommonPassword(kPassword));
}

TEST_F(AccountsTest, EverySignUpRejectionIsInvalidArgumentAndWritesNothing) {
  const std::vector<SignUpInput> bad = {
      {"ab", "ab@example.org", kPassword, ""},
      {"bad name", "x@example.org", kPassword, ""},
      {"alice", "not-an-email", kPassword, ""},
      {"alice", "alice@example.org", "too short", ""},
      {"alice", "alice@example.org", std::string(1025, 'p'), ""},
      {"alice", "alice@example.org", "password123", ""},
      {"alice", "alice@example.org", "alice@example.org", ""},
      {"alicealice", "x@example.org", "ALICEALICE", ""},
  };
  for (const auto& input : bad) {
    auto r = accounts_.SignUp(input);
    ASSERT_FALSE(r.ok()) << input.username << " / " << input.email;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
  EXPECT_TRUE(users_.users.empty());
  EXPECT_TRUE(users_.tokens.empty());
}

TEST_F(AccountsTest, DuplicatesNameTheTakenField) {
  SignUp("alice");
  auto same_name = accounts_.SignUp({"ALICE", "other@example.org", kPassword, ""});
  ASSERT_FALSE(same_name.ok());
  EXPECT_EQ(same_name.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_name.error().message, "username is taken");
  auto same_email = accounts_.SignUp({"alice2", " Alice@Example.org", kPassword, ""});
  ASSERT_FALSE(same_email.ok());
  EXPECT_EQ(same_email.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(same_email.error().message, "email is taken");
}

TEST_F(AccountsTest, NoAccountBecomesAdminBySigningUpAndPasswordsAreArgon2idHashes) {
  // On a freshly exposed server the first sign-up may be a stranger: admin comes only from the
  // operator (moodtape-auth make-admin).
  IssuedSession first = SignUp("Alice");
  IssuedSession second = SignUp("bob");
  EXPECT_EQ(first.user.username, "alice");
  EXPECT_EQ(first.user.roles, (std::vector<std::string>{"user"}));
  EXPECT_EQ(second.user.roles, (std::vector<std::string>{"user"}));
  const std::string& hash = users_.users.at(first.user.id).password_hash;
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find(kPassword), std::string::npos);
}

// ---- tokens ----

TEST_F(AccountsTest, AccessTokenVerifiesAndCarriesRoles) {
  IssuedSession s = SignUp("alice");
  auto claims = Verifier().Verify(s.access_token);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->subject, s.user.id);
  EXPECT_EQ(claims->issuer, "moodtape");
  EXPECT_TRUE(claims->HasRole("user"));
  EXPECT_FALSE(claims->HasRole("admin"));
  EXPECT_EQ(claims->key_id, keys_->Current()->kid());
  EXPECT_FALSE(claims->token_id.empty());
  EXPECT_EQ(claims->expires_at, clock_.Now() + 15min);
  EXPECT_EQ(s.access_expires_at_ms, (1893456000LL + 900) * 1000);
  EXPECT_EQ(s.refresh_expires_at_ms, (1893456000LL + 30 * 24 * 3600) * 1000);

  // Refresh token: 256 random bits in base64url; the store holds only its SHA-256.
  EXPECT_EQ(platform::Base64UrlDecode(s.refresh_token)->size(), 32u);
  ASSERT_EQ(users_.tokens.size(), 1u);
  EXPECT_EQ(users_.tokens.begin()->first, platform::Sha256Hex(s.refresh_token));

  clock_.Advance(16min);
  EXPECT_EQ(Verifier().Verify(s.access_token).error().message, "token expired");
}

// ---- log-in ----

TEST_F(AccountsTest, LoginByUsernameOrEmailAnyCase) {
  IssuedSession s = SignUp("alice");
  for (const char* login : {"alice", "ALICE", " alice@EXAMPLE.org "}) {
    auto r = Login(login, kPassword);
    ASSERT_TRUE(r.ok()) << login << ": " << r.error().message;
    EXPECT_EQ(r->user.id, s.user.id);
    EXPECT_TRUE(Verifier().Verify(r->access_token).ok());
  }
  EXPECT_EQ(users_.tokens.size(), 4u);  // a new family per log-in
}

TEST_F(AccountsTest, UnknownUserAndWrongPasswordGetTheSameError) {
  SignUp("alice");
  auto wrong = Login("alice", "wrong password!");
  auto unknown = Login("nobody", kPassword);
  auto unknown_email = Login("nobody@example.org", kPassword);
  for (const auto* r : {&wrong, &unknown, &unknown_email}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(r->error().message, "wrong username/email or password");
  }
}

TEST_F(AccountsTest, LockOutGrowsAndExpiresByTheClock) {
  SignUp("alice");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("alice", "wrong password!").error().code, ErrorCode::kUnauthenticated);
  }
  // Locked: even the right password is refused, with the wait.
  int64_t retry_after = 0;
  auto locked = Login("alice", kPassword, "10.0.0.2", &retry_after);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry_after, 60);
  EXPECT_THAT(locked.error().message, HasSubstr("try again in 60 seconds"));

  clock_.Advance(30s);
  retry_after = 0;
  EXPECT_FALSE(Login("alice", kPassword, "10.0.0.2", &retry_after).ok());
  EXPECT_EQ(retry_after, 30);

  // Expired: one more failure locks for twice as long.
  clock_.Advance(31s);
  EXPECT_EQ(Login("alice", "wrong password!").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(Login("alice", kPassword, "10.0.0.2", &retry_after).error().code,
            ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry_after, 120);

  // After it, the right password works and forgets the failures.
  clock_.Advance(121s);
  ASSERT_TRUE(Login("alice", kPassword).ok());
  EXPECT_EQ(attempts_.failures.count(AccountScope(users_.users.begin()->first)), 0u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(Login("alice", "wrong password!").ok());
  EXPECT_TRUE(Login("alice", kPassword).ok());  // four is below the threshold again
}

TEST(LoginThrottleTest, LockOutDoublesUpToTheCap) {
  FakeAttemptCounter counter;
  platform::ManualClock clock = MakeClock();
  LoginThrottle throttle(ThrottlePolicy{}, counter, clock);
  EXPECT_EQ(throttle.LockoutFor(4, 5), 0s);
  EXPECT_EQ(throttle.LockoutFor(5, 5), 60s);
  EXPECT_EQ(throttle.LockoutFor(6, 5), 120s);
  EXPECT_EQ(throttle.LockoutFor(10, 5), 1920s);
  EXPECT_EQ(throttle.LockoutFor(11, 5), 3600s);
  EXPECT_EQ(throttle.LockoutFor(1000, 5), 3600s);
}

TEST_F(AccountsTest, UnknownAccountsAreLockedOutToo) {
  for (int i = 0; i < 5; ++i) Login("ghost", "wrong password!", "10.0.0.1");
  int64_t retry_after = 0;
  auto r = Login("GHOST", "whatever123", "10.0.0.9", &retry_after);
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry_after, 60);
}

TEST_F(AccountsTest, OneAddressGuessingManyAccountsIsLockedOut) {
  SignUp("alice");
  for (int i = 0; i < 20; ++i) Login("user" + std::to_string(i), "wrong password!", "203.0.113.7");
  int64_t retry_after = 0;
  auto from_guesser = Login("alice", kPassword, "203.0.113.7", &retry_after);
  EXPECT_EQ(from_guesser.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(retry_after, 60);
  EXPECT_TRUE(Login("alice", kPassword, "198.51.100.1").ok());  // the real user elsewhere
  clock_.Advance(61s);
  EXPECT_TRUE(Login("alice", kPassword, "203.0.113.7").ok());
}

TEST_F(AccountsTest, StoreOutageFailsClosed) {
  SignUp("alice");
  users_.unavailable = true;
  EXPECT_EQ(Login("alice", kPassword).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(accounts_.SignUp({"bob", "bob@example.org", kPassword, ""}).error().code,
            ErrorCode::kUnavailable);
}

TEST_F(AccountsTest, DisabledAccountCannotLogIn) {
  IssuedSession s = SignUp("alice");
  users_.users.at(s.user.id).disabled = true;
  EXPECT_EQ(Login("alice", kPassword).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(accounts_.Refresh(s.refresh_token).error().code, ErrorCode::kPermissionDenied);
}

// ---- refresh and log-out ----

TEST_F(AccountsTest, RefreshRotatesAndReuseRevokesTheFamily) {
  IssuedSession s = SignUp("alice");
  clock_.Advance(10min);
  auto first = accounts_.Refresh(s.refresh_token);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_NE(first->refresh_token, s.refresh_token);
  EXPECT_EQ(first->user.id, s.user.id);
  EXPECT_TRUE(Verifier().Verify(first->access_token).ok());
  auto second = accounts_.Refresh(first->refresh_token);
  ASSERT_TRUE(second.ok());

  // The first token again: someone else has a copy. The whole family ends.
  auto reuse = accounts_.Refresh(s.refresh_token);
  ASSERT_FALSE(reuse.ok());
  EXPECT_EQ(reuse.error().code, ErrorCode::kUnauthenticated);
  EXPECT_THAT(reuse.error().message, HasSubstr("already used"));
  for (const auto& [hash, token] : users_.tokens) EXPECT_NE(token.revoked_at_ms, 0) << hash;
  EXPECT_EQ(accounts_.Refresh(second->refresh_token).error().code, ErrorCode::kUnauthenticated);

  // Another log-in (another family) is untouched by that revocation.
  auto other = Login("alice", kPassword);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(accounts_.Refresh(other->refresh_token).ok());
}

TEST_F(AccountsTest, RefreshRejectsGarbageUnknownAndExpiredTokens) {
  IssuedSession s = SignUp("alice");
  for (const std::string& bad : {std::string(), std::string("not a token"), std::string(43, '!'),
                                 platform::Base64UrlEncode(platform::SecureRandomBytes(32))}) {
    auto r = accounts_.Refresh(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }
  clock_.Advance(24h * 30 + 1s);
  auto expired = accounts_.Refresh(s.refresh_token);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_THAT(expired.error().message, HasSubstr("expired"));
}

TEST_F(AccountsTest, LogoutRevokesTheFamily) {
  IssuedSession s = SignUp("alice");
  auto rotated = accounts_.Refresh(s.refresh_token);
  ASSERT_TRUE(rotated.ok());
  ASSERT_TRUE(accounts_.Logout(rotated->refresh_token).ok());
  EXPECT_EQ(accounts_.Refresh(rotated->refresh_token).error().code, ErrorCode::kUnauthenticated);
  for (const auto& [hash, token] : users_.tokens) EXPECT_NE(token.revoked_at_ms, 0);
  // Idempotent, and quiet about tokens it does not know.
  EXPECT_TRUE(accounts_.Logout(rotated->refresh_token).ok());
  EXPECT_TRUE(accounts_.Logout("garbage").ok());
  EXPECT_TRUE(accounts_.Logout(platform::Base64UrlEncode(platform::SecureRandomBytes(32))).ok());
}

TEST_F(AccountsTest, GetUser) {
  IssuedSession s = SignUp("alice");
  EXPECT_EQ(accounts_.GetUser(s.user.id)->username, "alice");
  EXPECT_EQ(accounts_.GetUser("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(accounts_.GetUser("").error().code, ErrorCode::kInvalidArgument);
}

// ---- signing keys ----

TEST_F(AccountsTest, SigningKeysAreCreatedPrivateAndPublishedAndRotate) {
  namespace fs = std::filesystem;
  const std::string key_dir = dir_.File("signing");
  const std::string kid1 = keys_->Current()->kid();
  EXPECT_EQ(kid1.rfind("20300101T000000000Z-", 0), 0u) << kid1;
  struct stat st {};
  ASSERT_EQ(::stat(key_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((key_dir + "/" + kid1 + ".pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto jwks = nlohmann::json::parse(moodtape::testing::ReadFile(dir_.File("jwks.json")));
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kid"], kid1);
  EXPECT_FALSE(jwks["keys"][0].contains("d"));  // no private part

  IssuedSession s = SignUp("alice");
  clock_.Advance(1s);
  auto kid2 = keys_->Rotate();
  ASSERT_TRUE(kid2.ok()) << kid2.error().message;
  EXPECT_EQ(keys_->Current()->kid(), *kid2);
  EXPECT_GT(*kid2, kid1);

  // Everyone else verifies from the file: old tokens still verify, new ones use the new key.
  auto file = nlohmann::json::parse(moodtape::testing::ReadFile(dir_.File("jwks.json")));
  EXPECT_EQ(file["keys"].size(), 2u);
  auto set = platform::JwtKeySet::FromJwks(file);
  ASSERT_TRUE(set.ok());
  platform::JwtVerifier from_file(*set, "moodtape", &clock_);
  EXPECT_TRUE(from_file.Verify(s.access_token).ok());
  auto again = Login("alice", kPassword);
  ASSERT_TRUE(again.ok());
  auto claims = from_file.Verify(again->access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->key_id, *kid2);

  // A restart loads the same keys; the newest signs.
  auto reopened = SigningKeys::Open(key_dir, dir_.File("jwks.json"), clock_);
  EXPECT_EQ(reopened->Current()->kid(), *kid2);
  EXPECT_EQ(reopened->PublicKeys()->size(), 2u);
  EXPECT_FALSE(fs::exists(dir_.File("jwks.json.tmp." + std::to_string(::getpid()))));
}

}  // namespace
}  // namespace moodtape::auth
