"""The SNS query API (``Action=Publish`` ...) and the SubscribeURL route of HTTP subscriptions.

Each operation is authorised as ``sns:<Operation>`` on the topic ARN with the caller's policies
together with the topic's policy; ``Subscribe`` adds ``sns:Protocol`` and ``sns:Endpoint``. A
denial is SNS's ``AuthorizationError`` (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from opentruth.api.call import AwsCall
from opentruth.api.dispatch import Handler, query_service
from opentruth.cloud.topics import PENDING_CONFIRMATION, DatabaseTopics, TopicNotFound
from opentruth.errors import AccessDeniedError, OpenTruthError

Op = Callable[[AwsCall, dict[str, Any]], Mapping[str, Any] | None]


class AuthorizationError(OpenTruthError):
    """SNS's word for an IAM denial."""

    aws_code = "AuthorizationError"
    http_status = 403


def _sns_errors(fn: Op) -> Op:
    def run(call: AwsCall, p: dict[str, Any]) -> Mapping[str, Any] | None:
        try:
            return fn(call, p)
        except AccessDeniedError as exc:
            raise AuthorizationError(exc.message) from None

    return run


def operations(topics: DatabaseTopics) -> dict[str, Op]:
    """The served SNS operations over ``topics``."""

    def allow(call: AwsCall, action: str, topic: str, extra: dict[str, Any] | None = None) -> None:
        try:
            policy = topics.get_topic(topic).policy()
        except TopicNotFound:
            policy = None
        call.authorize(f"sns:{action}", topic, extra=extra, resource_policy=policy)

    def create_topic(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        arn = f"arn:aws:sns:{topics.region}:{topics.account}:{p['Name']}"
        allow(call, "CreateTopic", arn)
        tags = {t["Key"]: t["Value"] for t in p.get("Tags", [])}
        return {"TopicArn": topics.create_topic(p["Name"], p.get("Attributes"), tags).arn}

    def delete_topic(call: AwsCall, p: dict[str, Any]) -> None:
        allow(call, "DeleteTopic", p["TopicArn"])
        topics.delete_topic(p["TopicArn"])

    def list_topics(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        call.authorize("sns:ListTopics", "*")
        return {"Topics": [{"TopicArn": t.arn} for t in topics.list_topics()]}

    def get_attributes(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        allow(call, "GetTopicAttributes", p["TopicArn"])
        return {"Attributes": topics.get_attributes(p["TopicArn"])}

    def set_attributes(call: AwsCall, p: dict[str, Any]) -> None:
        allow(call, "SetTopicAttributes", p["TopicArn"])
        topics.set_attribute(p["TopicArn"], p["AttributeName"], p.get("AttributeValue", ""))

    def subscribe(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        protocol, endpoint = p["Protocol"], p.get("Endpoint", "")
        allow(call, "Subscribe", p["TopicArn"], {"sns:Protocol": protocol, "sns:Endpoint": endpoint})
        sub = topics.subscribe(p["TopicArn"], protocol, endpoint, p.get("Attributes"))
        if sub.arn == PENDING_CONFIRMATION and not p.get("ReturnSubscriptionArn"):
            return {"SubscriptionArn": PENDING_CONFIRMATION}
        return {"SubscriptionArn": sub.arn}

    def confirm(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        allow(call, "ConfirmSubscription", p["TopicArn"])
        return {"SubscriptionArn": topics.confirm_subscription(p["TopicArn"], p["Token"])}

    def unsubscribe(call: AwsCall, p: dict[str, Any]) -> None:
        sub = topics.get_subscription(p["SubscriptionArn"])
        allow(call, "Unsubscribe", sub.topic_arn)
        topics.unsubscribe(p["SubscriptionArn"])

    def list_by_topic(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        allow(call, "ListSubscriptionsByTopic", p["TopicArn"])
        subs = topics.list_subscriptions(p["TopicArn"])
        return {
            "Subscriptions": [
                {
                    "SubscriptionArn": s.arn,
                    "Owner": s.owner,
                    "Protocol": s.protocol,
                    "Endpoint": s.endpoint,
                    "TopicArn": s.topic_arn,
                }
                for s in subs
            ]
        }

    def get_sub_attributes(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        sub = topics.get_subscription(p["SubscriptionArn"])
        allow(call, "GetSubscriptionAttributes", sub.topic_arn)
        attrs = {
            **sub.attributes,
            "SubscriptionArn": sub.arn,
            "TopicArn": sub.topic_arn,
            "Owner": sub.owner,
            "Protocol": sub.protocol,
            "Endpoint": sub.endpoint,
            "PendingConfirmation": "false" if sub.confirmed else "true",
        }
        return {"Attributes": attrs}

    def set_sub_attributes(call: AwsCall, p: dict[str, Any]) -> None:
        sub = topics.get_subscription(p["SubscriptionArn"])
        allow(call, "SetSubscriptionAttributes", sub.topic_arn)
        topics.set_subscription_attribute(sub.arn, p["AttributeName"], p.get("AttributeValue", ""))

    def publish(call: AwsCall, p: dict[str, Any]) -> dict[str, Any]:
        topic = p.get("TopicArn") or p.get("TargetArn") or ""
        allow(call, "Publish", topic)
        message_id = topics.publish(
            topic, p["Message"], subject=p.get("Subject"), message_attributes=p.get("MessageAttributes")
        )
        return {"MessageId": message_id}

    table: dict[str, Op] = {
        "CreateTopic": create_topic,
        "DeleteTopic": delete_topic,
        "ListTopics": list_topics,
        "GetTopicAttributes": get_attributes,
        "SetTopicAttributes": set_attributes,
        "Subscribe": subscribe,
        "ConfirmSubscription": confirm,
        "Unsubscribe": unsubscribe,
        "ListSubscriptionsByTopic": list_by_topic,
        "GetSubscriptionAttributes": get_sub_attributes,
        "SetSubscriptionAttributes": set_sub_attributes,
        "Publish": publish,
    }
    return {k: _sns_errors(v) for k, v in table.items()}


def sns_handler(topics: DatabaseTopics) -> Handler:
    """The SNS handler for :func:`opentruth.api.app.register_service`."""
    return query_service("sns", operations(topics))


def confirm_router(topics: DatabaseTopics) -> APIRouter:
    """``GET /sns/confirm?TopicArn=…&Token=…``: the SubscribeURL an HTTP endpoint visits (the
    secret token is the authorisation, as with SNS's own SubscribeURL)."""
    router = APIRouter()

    @router.get("/sns/confirm", response_class=PlainTextResponse)
    def confirm(TopicArn: str, Token: str) -> str:
        arn = topics.confirm_subscription(TopicArn, Token)
        return f"Subscription confirmed: {arn}\n"

    return router
