// What every job kind shares: the gateway validates an HTTP body into a request, the queued
// payload is that request plus "request_id" (and the kind's extras), and the worker parses the
// payload back with the same field rules, so what was accepted is exactly what runs.
#pragma once

#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "platform/base/json_fields.h"

namespace moodtape::worker {

// An HTTP request body: a JSON object whose fields `read(JsonFieldReader&)` takes and returns
// as a Request; unknown fields and wrong types are kInvalidArgument naming the field.
template <typename Request, typename ReadFields>
platform::Result<Request> ParseRequestBody(std::string_view body, ReadFields read) {
  auto object = platform::ParseJsonObject(body, "request body");
  if (!object.ok()) return object.error();
  platform::JsonFieldReader r(*object);
  Request request = read(r);
  if (auto done = r.Finish(); !done.ok()) return done.error();
  return request;
}

// A queued payload: `read(JsonFieldReader&, Job&)` fills the kind's fields, then the optional
// "request_id"; job id and owner come from the queue entry. Errors are kInvalidArgument (which
// the queue never retries) and start with "<kind> job: ".
template <typename Job, typename ReadFields>
platform::Result<Job> ParseQueuedJob(std::string_view kind, const std::string& job_id,
                                     const std::string& owner, std::string_view payload_json,
                                     ReadFields read) {
  const std::string prefix = std::string(kind) + " job: ";
  auto fail = [&prefix](const platform::Error& e) {
    return platform::MakeError(e.code, prefix + e.message);
  };
  if (owner.empty()) {
    return platform::MakeError(platform::ErrorCode::kInvalidArgument,
                               prefix + "the job has no owner (user id)");
  }
  auto object = platform::ParseJsonObject(payload_json, "the payload");
  if (!object.ok()) return fail(object.error());
  platform::JsonFieldReader r(*object);
  Job job;
  read(r, job);
  job.request_id = r.String("request_id", {.required = false, .allow_empty = true});
  if (auto done = r.Finish(); !done.ok()) return fail(done.error());
  job.job_id = job_id;
  job.user_id = owner;
  return job;
}

}  // namespace moodtape::worker
