"""How fast is one worker against what its stages and Kafka allow? One run, one corpus, one JSON line.

    python benchmarks/pipeline.py [--quick] [--seed N] [--partitions P] [--loads 20,50,100,max80]
                                  [--load-seconds S] [--rss-articles N] [--keep]

Against a real broker on loopback (its own on free ports, unless KAFKA_BOOTSTRAP names one), over one generated
corpus of multi-paragraph news-like articles (written here, see `corpus`), it measures in this order:

  inprocess_articles_per_s  the stages with no Kafka (streams.pipeline's Cleaner, observations(), Detector) over
                            the throughput slice, one core, once a first article has loaded what they need;
                            also their CPU per article
  passthrough_msgs_per_s    a bare batched aiokafka loop: consume a batch of the corpus's raw records, produce
                            them all to another topic, await the acknowledgements once, commit; the ceiling a
                            Python process gets from this broker for these records
  pipeline_articles_per_s   one worker process (`dyadwatch worker`), warmed up with 30 articles: the throughput
                            slice published at once, timed until every observation the stages give for it
                            in-process is on relations.observed and detect has taken it
  overhead_ratio            pipeline / in-process
  framework_ms_per_article  the worker's CPU per article (utime + stime from /proc/PID/stat over the
                            throughput phase) minus the stages' in-process CPU per article
  latency_ms                at fixed offered loads (articles/s; `max80` is 80 % of the in-process throughput,
                            the most the stages allow: a worker that cannot keep up with it falls behind), the
                            p50/p99 of publish -> observation (an observation's append time on relations.observed
                            minus its article's on articles.raw) and publish -> alert (an alert's append time
                            minus that of the newest-published article in its evidence: exact for reported
                            changes; a statistical alert also waits, by design, for the allowed lateness to pass
                            in event time)
  worker_peak_rss_mb        VmHWM of the worker after `--rss-articles` articles in all (20,000; the quick form
                            reports it over what it published, and says how many)

`--quick` is the short form (a few hundred articles, loads 20 and max80 for 10 s each), a couple of minutes.
Everything is bounded in time and in count; the run's topics and changelogs are deleted at the end (unless
--keep). The machine's other load shows in the figures: repeat runs and give ranges.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

Record = tuple[bytes | None, bytes]

# ---------------------------------------------------------------- corpus
#
# Invented for this benchmark: multi-paragraph wire-style stories about pairs of real countries, with the parts
# real copy has (a dateline lede, quotes from invented officials, background, economic figures, a third country's
# reaction, places and nationalities that are no relation, sport, lists of delegations), page furniture in some
# (share prompts, newsletter boxes, captions), explicit trend reports in a few, and syndicated near-copies. A dozen
# dyads drift from cooperation to conflict (or back) over the corpus, so that the detector has changes to find.

# name, demonym, capital (used as a metonym for the government), a city that is no capital
COUNTRIES: list[tuple[str, str, str, str]] = [
    ("France", "French", "Paris", "Marseille"), ("Germany", "German", "Berlin", "Hamburg"),
    ("Japan", "Japanese", "Tokyo", "Osaka"), ("India", "Indian", "New Delhi", "Mumbai"),
    ("Brazil", "Brazilian", "Brasilia", "Sao Paulo"), ("Canada", "Canadian", "Ottawa", "Toronto"),
    ("Mexico", "Mexican", "Mexico City", "Monterrey"), ("Kenya", "Kenyan", "Nairobi", "Mombasa"),
    ("Egypt", "Egyptian", "Cairo", "Alexandria"), ("Australia", "Australian", "Canberra", "Sydney"),
    ("Argentina", "Argentine", "Buenos Aires", "Cordoba"), ("Indonesia", "Indonesian", "Jakarta", "Surabaya"),
    ("Nigeria", "Nigerian", "Abuja", "Lagos"), ("Spain", "Spanish", "Madrid", "Barcelona"),
    ("Poland", "Polish", "Warsaw", "Gdansk"), ("Vietnam", "Vietnamese", "Hanoi", "Da Nang"),
    ("China", "Chinese", "Beijing", "Shanghai"), ("Russia", "Russian", "Moscow", "St Petersburg"),
    ("Turkey", "Turkish", "Ankara", "Istanbul"), ("South Korea", "South Korean", "Seoul", "Busan"),
    ("Pakistan", "Pakistani", "Islamabad", "Karachi"), ("Iran", "Iranian", "Tehran", "Isfahan"),
    ("Saudi Arabia", "Saudi", "Riyadh", "Jeddah"), ("Ethiopia", "Ethiopian", "Addis Ababa", "Dire Dawa"),
    ("Chile", "Chilean", "Santiago", "Valparaiso"), ("Norway", "Norwegian", "Oslo", "Bergen"),
    ("Greece", "Greek", "Athens", "Thessaloniki"), ("Italy", "Italian", "Rome", "Milan"),
    ("Thailand", "Thai", "Bangkok", "Chiang Mai"), ("Philippines", "Philippine", "Manila", "Cebu"),
]
FIRST = ["Amara", "Jonas", "Keiko", "Ravi", "Lucia", "Omar", "Ingrid", "Tomasz", "Mei", "Dmitri", "Selin", "Arturo",
         "Nadia", "Pieter", "Hana", "Kwame", "Elif", "Marco", "Sofia", "Tunde", "Ayesha", "Lars", "Camila", "Minh"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Haddad", "Varga", "Castellanos", "Nakagawa", "Petrov", "Osei", "Kowalczyk",
        "Ferreira", "Demir", "Achterberg", "Rahman", "Bianchi", "Sorensen", "Quispe", "Adeyemi", "Laurent", "Tanaka"]
ROLES = ["foreign minister", "deputy foreign minister", "trade minister", "defence minister", "ambassador",
         "government spokesperson", "chief negotiator", "energy minister", "finance minister", "presidential adviser"]
TOPICS = ["grain exports", "rare earth minerals", "fishing rights", "semiconductor supply", "river water sharing",
          "shipping lanes", "vaccine production", "solar power", "student visas", "rail links", "fertiliser",
          "coffee tariffs", "natural gas", "port access", "debt relief", "border crossings", "airline routes",
          "cyber security", "nuclear safety", "steel quotas"]
GOODS = ["steel", "soybeans", "copper", "garments", "machinery", "palm oil", "cars", "wheat", "electronics", "timber"]
SOURCES = ["Harbour Ledger", "Continental Post", "Northern Wire", "Meridian Daily", "The Coastline Times",
           "Plateau Herald", "Eastern Dispatch", "Capital Briefing"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

COOPERATION = [
    "{A} and {B} signed an agreement on {topic} on {day}, ending months of negotiation between the two governments.",
    "{A} pledged to deepen its cooperation with {B} on {topic}, {a} officials said after talks in {capB}.",
    "The foreign ministers of {A} and {B} agreed to set up a joint commission on {topic} and to meet every six "
    "months.",
    "{capA} will send emergency aid to {B} after floods in the north of the country, the {a} government said.",
    "{A} and {B} agreed to hold joint naval exercises next spring and praised what they called a maturing "
    "partnership.",
    "{A} offered {B} a loan of {money} to finance new {topic} projects, in a deal announced in {capA}.",
    "{A} welcomed {b} investment in its ports and said it would ease visa rules for {b} business travellers.",
    "Leaders of {A} and {B} praised their growing trade and vowed to double it within five years.",
]
CONFLICT = [
    "{A} accused {B} of violating its airspace on {day} and summoned the {b} ambassador in {capA}.",
    "{A} expelled {n} {b} diplomats in a deepening dispute over {topic}, the foreign ministry said.",
    "{A} imposed sanctions on {b} officials, saying {capB} had ignored repeated warnings over {topic}.",
    "Troops from {A} clashed with {b} forces near the border on {day}, leaving {n} soldiers wounded, officials said.",
    "{A} condemned {B} for detaining {n} of its citizens and threatened to retaliate.",
    "{capA} suspended talks with {B} on {topic} and recalled its ambassador for consultations.",
    "{A} threatened to block {b} imports of {good} unless {capB} changed course on {topic}.",
    "{A} blamed {B} for a cyber attack on its energy grid, a charge {capB} rejected as baseless.",
]
WARMING = ["Relations between {A} and {B} have warmed markedly since the {month} summit, diplomats said.",
           "Ties between {A} and {B} have improved sharply over the past year."]
COOLING = ["Relations between {A} and {B} have cooled sharply since {month}, diplomats in {capB} said.",
           "Ties between {A} and {B} have deteriorated badly in recent weeks."]
QUOTES = [
    '"We have always said that dialogue is the only way forward," {person}, the {a} {role}, told reporters.',
    '"This is a serious moment and we will respond with measures of our own," said {person}, {a} {role}.',
    '"Our teams worked through the night, and the result is good for farmers and for industry," {person} said.',
    '"Nobody should read too much into a single meeting," said {person}, who teaches international relations at '
    'a university in {cityA}.',
    '"The numbers speak for themselves," {person}, the {a} {role}, said in a statement posted late on {day}.',
]
BACKGROUND = [
    "The two countries established diplomatic relations in {year} and have traded mainly in {good} and {good2}.",
    "Trade between them reached {money} last year, according to figures from the {a} statistics office.",
    "Talks on {topic} first began in {year} but stalled repeatedly over questions of inspection and funding.",
    "Analysts said the dispute had as much to do with domestic politics in {A} as with {topic}.",
    "Officials on both sides have described {topic} as a priority since an election in {A} in {year}.",
    "The agreement still has to be approved by parliament, where the governing coalition holds a narrow majority.",
]
NOISE = [
    "Exports of {good} rose {pct} percent in the third quarter, while imports of {good2} fell slightly, data showed.",
    "Markets in {cityA} were little changed on {day}, and the currency held steady against the dollar.",
    "Heavy rain delayed the harvest in the south, and forecasters expect more storms before the end of {month}.",
    "The meeting took place in a hotel in {cityB}, under heavy security and away from the capital.",
    "{c} tourists were among the visitors, and {c} and {d} engineers helped to restore the old railway station.",
    "Delegations from {C}, {D} and {E} attended as observers and did not speak.",
    "In football, {C} beat {D} 2-1 in a friendly in {cityC}, with a late goal from the substitute.",
    "{person}, a {c}-born novelist who lives in {cityA}, opened the city's book fair on the same day.",
    "The ministry said it had received more than {n} applications for the new scheme by the end of {month}.",
    "Local officials said {n} families had been moved to temporary housing while repairs continued.",
]
THIRD = [
    "{C} welcomed the agreement and said it hoped to join the talks on {topic} later this year.",
    "{C} criticised {A} for what it called an escalation and urged both sides to show restraint.",
    "Meanwhile, {C} and {D} agreed to resume direct flights and to cooperate on {topic}.",
    "{C} offered to mediate between {A} and {B}, a proposal {capA} said it would study.",
]
FURNITURE = ["Share this article", "Advertisement", "Sign up for our morning briefing", "Read more:",
             "Photo: {person} / {source}", "Follow us on social media", "Most read", "Comments are closed."]


@dataclass(frozen=True)
class Dyad:
    a: int
    b: int
    turns_at: float  # fraction of the corpus at which the relation flips
    starts_friendly: bool


def corpus(count: int, seed: int = 12) -> list[Record]:
    """`count` raw article events, deterministic for a seed, in publication order (one every 3-9 minutes of
    event time), keyed by article id. About 3 % are syndicated near-copies of a recent article."""
    rng = random.Random(seed)
    dyads = [Dyad(i, (i * 7 + 5) % len(COUNTRIES), rng.uniform(0.3, 0.7), rng.random() < 0.7) for i in range(12)]
    start = datetime(2025, 1, 6, 6, 0, tzinfo=UTC)
    at = start
    records: list[Record] = []
    recent: list[dict[str, Any]] = []
    for n in range(count):
        at += timedelta(minutes=rng.uniform(3, 9))
        article_id = f"pb-{seed}-{n:06d}"
        if recent and rng.random() < 0.03:
            event = _syndicated(rng, rng.choice(recent[-30:]), article_id, at)
        else:
            event = _article(rng, dyads, n / max(count, 1), article_id, at)
            recent.append(event)
        records.append((article_id.encode(), orjson.dumps(event)))
    return records


def _article(rng: random.Random, dyads: list[Dyad], progress: float, article_id: str, at: datetime) -> dict[str, Any]:
    if rng.random() < 0.75:
        dyad = rng.choice(dyads)
        i, j = (dyad.a, dyad.b) if rng.random() < 0.5 else (dyad.b, dyad.a)
        friendly = dyad.starts_friendly != (progress >= dyad.turns_at)
    else:
        i, j = rng.sample(range(len(COUNTRIES)), 2)
        friendly = rng.random() < 0.5
    others = rng.sample([k for k in range(len(COUNTRIES)) if k not in (i, j)], 4)
    story = _Story(rng, i, j, others, at)
    main = COOPERATION if friendly else CONFLICT
    fill = story.fill
    paragraphs = [f"{fill['cityA'].upper()}, {at.day} {MONTHS[at.month - 1]} - " + story.say(main, 2)]
    body = [story.say(QUOTES) + " " + story.say(BACKGROUND)]
    for _ in range(rng.randint(9, 26)):
        kind = rng.random()
        if kind < 0.2:
            body.append(story.say(main) + " " + story.say(QUOTES))
        elif kind < 0.35:
            body.append(story.say(THIRD) + " " + story.say(NOISE))
        elif kind < 0.6:  # a roundup paragraph: two other countries and how they get on
            c, d = rng.sample(list(others), 2)
            aside = _Story(rng, c, d, [i, j, *others], at)
            body.append(aside.say(rng.choice([COOPERATION, CONFLICT]), rng.randint(1, 2)))
        elif kind < 0.78:
            body.append(story.say(BACKGROUND, 2))
        else:
            body.append(story.say(NOISE, rng.randint(2, 3)))
    if rng.random() < 0.08:
        body.insert(rng.randrange(len(body)), story.say(WARMING if friendly else COOLING))
    paragraphs += [p for p in body if p.strip()]
    if rng.random() < 0.35:  # a scraper that flattened the page kept some of its furniture
        for _ in range(rng.randint(1, 3)):
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(FURNITURE).format(**fill))
    byline = f"By {fill['person2']}, {fill['source']} correspondent in {fill['capA']}"
    name_a, name_b = COUNTRIES[i][0], COUNTRIES[j][0]
    title = rng.choice([f"{name_a} and {name_b} {'agree deal on' if friendly else 'clash over'} {fill['topic']}",
                        f"{name_a} {'reaches out to' if friendly else 'hits back at'} {name_b}",
                        f"What the {fill['topic']} {'deal' if friendly else 'row'} means for {name_b}"])
    return {
        "id": article_id,
        "title": title,
        "body": title + "\n\n" + byline + "\n\n" + "\n\n".join(paragraphs),
        "source": fill["source"],
        "url": f"https://news.example/{at:%Y/%m/%d}/{article_id}",
        "published_at": at.isoformat(),
        "language": "en",
    }


class _Story:
    """The cast of one story (countries, people, topic) and the sentences said so far, so none is said twice."""

    def __init__(self, rng: random.Random, i: int, j: int, others: Sequence[int], at: datetime) -> None:
        self.rng, self.i, self.j, self.others, self.at = rng, i, j, others, at
        self.fill = _fill(rng, i, j, others, at)
        self.used: set[str] = set()

    def say(self, templates: Sequence[str], k: int = 1) -> str:
        fresh = [t for t in templates if t not in self.used] or list(templates)
        chosen = self.rng.sample(fresh, min(k, len(fresh)))
        self.used.update(chosen)
        # new figures and names in each sentence, the same countries
        return " ".join(t.format(**_fill(self.rng, self.i, self.j, self.others, self.at)) for t in chosen)


def _syndicated(rng: random.Random, original: dict[str, Any], article_id: str, at: datetime) -> dict[str, Any]:
    """A partner's republication: a credit line added and one figure changed."""
    body = f"({rng.choice(SOURCES)}) " + original["body"].replace(" percent", " per cent", 1)
    return {**original, "id": article_id, "body": body, "published_at": at.isoformat(),
            "source": rng.choice(SOURCES), "url": f"https://partner.example/{article_id}"}


def _fill(rng: random.Random, i: int, j: int, others: Sequence[int], at: datetime) -> dict[str, str]:
    (na, da, ca, cia), (nb, db, cb, cib) = COUNTRIES[i], COUNTRIES[j]
    c, d, e = (COUNTRIES[k] for k in others[:3])
    good, good2 = rng.sample(GOODS, 2)
    return {
        "A": na, "B": nb, "a": da, "b": db, "capA": ca, "capB": cb, "cityA": cia, "cityB": cib,
        "C": c[0], "D": d[0], "E": e[0], "c": c[1], "d": d[1], "cityC": c[3],
        "topic": rng.choice(TOPICS), "good": good, "good2": good2,
        "person": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "person2": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "role": rng.choice(ROLES), "source": rng.choice(SOURCES),
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][at.weekday()],
        "month": rng.choice(MONTHS), "year": str(rng.randint(1955, 2022)), "n": str(rng.randint(2, 340)),
        "pct": f"{rng.uniform(0.5, 19):.1f}", "money": f"${rng.randint(2, 90)}.{rng.randint(0, 9)} billion",
    }


# ---------------------------------------------------------------- measuring


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p99": None, "n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": at(0.50), "p99": at(0.99), "n": len(ordered)}


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/PID/stat (fields 14 and 15, after the parenthesised name)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmHWM for pid {pid}")


@dataclass
class InProcess:
    articles_per_s: float
    cpu_ms_per_article: float
    observations: int
    alerts: int
    duplicates: int


def run_inprocess(records: Sequence[Record]) -> InProcess:
    """The stages one after the other on one core, as `replay` strings them, from the raw bytes on."""
    from streams import topics as registry
    from streams.pipeline import Cleaner, Detector, StageError, observations

    observations(Cleaner()(registry.RAW.decode(records[0][1])))  # loads the gazetteer, lexicons and parser
    cleaner, detector = Cleaner(), Detector()
    found = alerts = duplicates = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _, value in records:
        try:
            article = cleaner(registry.RAW.decode(value))
        except (registry.BadEvent, StageError):
            continue
        duplicates += article.duplicate_of is not None
        for observation in observations(article):
            found += 1
            alerts += len(detector(observation))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return InProcess(len(records) / wall, 1000 * cpu / len(records), found, alerts, duplicates)


async def passthrough(bootstrap: str, settings: Any, name: str, records: Sequence[Record], partitions: int) -> float:
    """Messages per second through a bare batched consume -> produce loop (acks=all, a batch's sends awaited
    once, then the offsets committed), from the first record read to the last acknowledged."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    source, sink = f"{name}.passthrough.in", f"{name}.passthrough.out"
    await create_topics(bootstrap, settings, [source, sink], partitions)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=1_048_576,
                                max_request_size=2_097_152, **client_options(settings))
    await producer.start()
    try:
        await asyncio.gather(*[await producer.send(source, value=v, key=k) for k, v in records])
        consumer = AIOKafkaConsumer(source, bootstrap_servers=bootstrap, group_id=f"{name}-passthrough",
                                    enable_auto_commit=False, auto_offset_reset="earliest",
                                    max_partition_fetch_bytes=4_194_304, **client_options(settings))
        await consumer.start()
        try:
            moved, began = 0, 0.0
            deadline = time.monotonic() + 300
            while moved < len(records):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"passthrough moved only {moved}/{len(records)} in 300 s")
                batch = await consumer.getmany(timeout_ms=1000, max_records=1000)
                if not batch:
                    continue
                began = began or time.perf_counter()
                sent = [await producer.send(sink, value=m.value, key=m.key) for ms in batch.values() for m in ms]
                await asyncio.gather(*sent)
                await consumer.commit()
                moved += len(sent)
            return moved / (time.perf_counter() - began)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()


def client_options(settings: Any) -> dict[str, Any]:
    from streams import kafka_io

    return dict(kafka_io.client_options(settings))


async def create_topics(bootstrap: str, settings: Any, names: Sequence[str], partitions: int) -> None:
    """Topics whose records carry the broker's append time, so that a latency is broker time to broker time."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options(settings))
    await admin.start()
    try:
        configs = {"message.timestamp.type": "LogAppendTime", "max.message.bytes": "2097152"}
        with contextlib.suppress(TopicAlreadyExistsError):
            await admin.create_topics([NewTopic(n, partitions, 1, topic_configs=configs) for n in names])
    finally:
        await admin.close()


async def publish(bootstrap: str, settings: Any, topic: str, records: Sequence[Record], rate: float) -> float:
    """Send the records at `rate` per second (0: at once), awaiting acknowledgements in batches; returns the
    offered rate achieved."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=1,
                                max_batch_size=1_048_576, max_request_size=2_097_152, **client_options(settings))
    await producer.start()
    try:
        began = time.perf_counter()
        pending: list[asyncio.Future[Any]] = []
        for index, (key, value) in enumerate(records):
            if rate:
                due = began + index / rate
                if due > time.perf_counter():
                    await asyncio.gather(*pending)
                    pending = []
                    await asyncio.sleep(due - time.perf_counter())
            pending.append(await producer.send(topic, value=value, key=key))
        await asyncio.gather(*pending)
        return len(records) / max(time.perf_counter() - began, 1e-9)
    finally:
        await producer.stop()


async def read_topics(bootstrap: str, settings: Any, names: Sequence[str]) -> dict[str, list[Any]]:
    """Every record now on these topics (up to the end offsets at the start)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=16_777_216,
                                **client_options(settings))
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(n, p) for n in names for p in consumer.partitions_for_topic(n) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out: dict[str, list[Any]] = {n: [] for n in names}
        pending = {tp for tp, end in ends.items() if end > 0}
        deadline = time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            for tp, messages in (await consumer.getmany(*pending, timeout_ms=500)).items():
                out[tp.topic] += [m for m in messages if m.offset < ends[tp]]
                if messages and messages[-1].offset >= ends[tp] - 1:
                    pending.discard(tp)
        if pending:
            raise TimeoutError(f"could not read {sorted(map(str, pending))} to the end in 120 s")
        return out
    finally:
        await consumer.stop()


def detect_taken(worker: Any, observed_topic: str) -> int | None:
    """How many observations the worker's detect stage has taken: from /metrics when the worker serves it
    (events of the detect stage from relations.observed), else from /ready's count of detect events (which is
    that for a worker whose detect agent reads nothing else)."""
    from prometheus_client.parser import text_string_to_metric_families

    with contextlib.suppress(OSError, ValueError):
        url = f"http://127.0.0.1:{worker.web_port}/metrics"
        with urllib.request.urlopen(url, timeout=2) as response:
            text = response.read().decode()
        for family in text_string_to_metric_families(text):
            if family.name == "dyadwatch_events":
                return int(sum(s.value for s in family.samples if s.name == "dyadwatch_events_total"
                               and s.labels.get("stage") == "detect" and s.labels.get("topic") == observed_topic))
    status, body = worker.health("ready")
    if status == 0:
        return None
    with contextlib.suppress(orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        events = orjson.loads(body).get("events", {})
        return int(events["detect"]) if "detect" in events else None
    return None


async def end_offsets(bootstrap: str, settings: Any, name: str) -> int:
    """The sum of a topic's end offsets: how many records it has had."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, **client_options(settings))
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


def wait_detected(run: Any, worker: Any, observed_topic: str, base: tuple[int, int], expected: int,
                  timeout_s: float) -> float:
    """Wait until `expected` more observations have reached relations.observed than `base` says, and the detect
    stage has taken as many; returns when (perf_counter)."""
    deadline = time.monotonic() + timeout_s
    written = taken = None
    while time.monotonic() < deadline:
        taken = detect_taken(worker, observed_topic)
        if taken is not None and taken - base[1] >= expected:
            written = asyncio.run(end_offsets(run.bootstrap, run.settings, observed_topic))
            if written - base[0] >= expected:
                return time.perf_counter()
        time.sleep(0.05)  # polling interval of a bounded wait
    raise TimeoutError(f"{expected} observations expected in {timeout_s:.0f} s; {written} written and detect "
                       f"took {taken} (from {base})")


def latencies(raw: list[Any], observed: list[Any], alerts: list[Any],
              phase: set[str]) -> dict[str, dict[str, float | None]]:
    """publish -> observation and publish -> alert in ms, from append times (the first copy of each id), for the
    articles of one phase."""
    appended: dict[str, int] = {}
    for m in raw:
        appended.setdefault(m.key.decode(), m.timestamp)
    to_observation, seen = [], set()
    for m in observed:
        obs = orjson.loads(m.value)
        if obs["observation_id"] not in seen and obs["article_id"] in phase:
            seen.add(obs["observation_id"])
            to_observation.append(m.timestamp - appended[obs["article_id"]])
    to_alert = []
    for m in alerts:
        alert = orjson.loads(m.value)
        evidence = [e["article_id"] for e in alert["evidence"] if e["article_id"] in appended]
        newest = max(evidence, key=appended.__getitem__, default=None)
        if alert["alert_id"] not in seen and newest in phase:
            seen.add(alert["alert_id"])
            to_alert.append(m.timestamp - appended[newest])
    return {"observation": percentiles(to_observation), "alert": percentiles(to_alert)}


async def committed_lag(bootstrap: str, settings: Any, group: str, names: Sequence[str]) -> int:
    """Records of these topics past the group's commits, counting only topics the group commits at all (so that
    it holds for any wiring of the stages)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options(settings))
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, **client_options(settings))
    await admin.start()
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        committed = await admin.list_consumer_group_offsets(group)
        consumed = {tp.topic for tp in committed}
        partitions = [TopicPartition(n, p) for n in names if n in consumed for p in consumer.partitions_for_topic(n)]
        ends = await consumer.end_offsets(partitions)
        return sum(max(0, end - (committed[tp].offset if tp in committed else 0)) for tp, end in ends.items())
    finally:
        await consumer.stop()
        await admin.close()


def drain(run: Any, timeout_s: float) -> None:
    """Wait until the worker has committed all its input (twice in a row, half a second apart)."""
    from streams import topics as registry

    stages = getattr(registry, "TOPOLOGY", ())  # the topology, where the tree declares one
    inputs = [t for s in stages for t in getattr(s, "inputs", None) or (s.input,)] or [
        registry.RAW, registry.CLEAN, registry.OBSERVED]
    names = sorted({run.topic(t) for t in inputs})
    deadline, settled, lag = time.monotonic() + timeout_s, 0, -1
    while time.monotonic() < deadline:
        lag = asyncio.run(committed_lag(run.bootstrap, run.settings, run.settings.app_id, names))
        settled = settled + 1 if lag == 0 else 0
        if settled >= 2:
            return
        time.sleep(0.5)  # polling interval of a bounded wait
    raise TimeoutError(f"the worker did not commit all its input within {timeout_s:.0f} s (lag {lag})")


# ---------------------------------------------------------------- the run


WARMUP = 30  # articles through the worker before anything is timed (first use loads lexicons and models)


@dataclass
class Plan:
    throughput: int
    inprocess: int
    passthrough: int
    loads: list[str]
    load_seconds: float
    rss_articles: int


def plan(args: argparse.Namespace) -> Plan:
    loads = args.loads.split(",") if args.loads else (["20", "max80"] if args.quick else ["20", "50", "100", "max80"])
    return Plan(
        throughput=args.articles or (400 if args.quick else 3000),
        inprocess=args.articles or (400 if args.quick else 3000),
        passthrough=4000 if args.quick else 20_000,
        loads=loads,
        load_seconds=args.load_seconds or (10.0 if args.quick else 30.0),
        rss_articles=args.rss_articles if args.rss_articles is not None else (0 if args.quick else 20_000),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few hundred articles, loads 20 and max80, 10 s each")
    parser.add_argument("--articles", type=int, default=0, help="articles in the throughput phase")
    parser.add_argument("--loads", default="", help="comma-separated offered loads (articles/s, or max80)")
    parser.add_argument("--load-seconds", type=float, default=0.0, help="how long each load is offered")
    parser.add_argument("--rss-articles", type=int, default=None, help="articles in all before reading peak RSS")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the run's topics")
    args = parser.parse_args(argv)
    steps = plan(args)

    try:
        from streams.testing import harness
    except ImportError:  # a tree from before the harness moved into the package (for "before" figures)
        from benchmarks import _harness as harness  # type: ignore[attr-defined,no-redef]

    max_load = max([float(x) for x in steps.loads if x != "max80"] + [0.0])
    # The corpus: the throughput slice, then each load's slice; max80 is sized for up to 400 articles/s.
    per_load = [int(steps.load_seconds * (400 if x == "max80" else float(x))) for x in steps.loads]
    total = max(WARMUP + steps.throughput + sum(per_load), steps.rss_articles)
    log(f"generating {total} articles (loads up to {max_load:g}/s and max80)")
    records = corpus(total, seed=args.seed)
    sizes = sorted(len(v) for _, v in records)
    result: dict[str, Any] = {
        "articles": total, "article_kb": {"p5": round(sizes[len(sizes) // 20] / 1000, 1),
                                          "p50": round(sizes[len(sizes) // 2] / 1000, 1),
                                          "p95": round(sizes[len(sizes) * 19 // 20] / 1000, 1)},
        "partitions": args.partitions, "quick": args.quick,
        "load_avg_1m": [round(os.getloadavg()[0], 2)],  # the machine's load at the start and the end: noise
    }

    log(f"in-process: {steps.inprocess} articles")
    inproc = run_inprocess(records[WARMUP: WARMUP + steps.inprocess])
    result["inprocess_articles_per_s"] = round(inproc.articles_per_s, 1)
    result["inprocess_cpu_ms_per_article"] = round(inproc.cpu_ms_per_article, 2)
    result["observations_per_article"] = round(inproc.observations / steps.inprocess, 2)

    with harness.broker() as broker, tempfile.TemporaryDirectory(prefix="dyadwatch-bench-pipeline-") as work:
        run = harness.Run(broker.bootstrap, Path(work), partitions=args.partitions)
        try:
            log(f"passthrough: {steps.passthrough} records")
            sample = [records[i % len(records)] for i in range(steps.passthrough)]
            result["passthrough_msgs_per_s"] = round(
                asyncio.run(passthrough(broker.bootstrap, run.settings, run.name, sample, args.partitions)), 1)
            result.update(run_worker(run, records, steps, inproc))
        finally:
            run.stop_all()
            if not args.keep:
                with contextlib.suppress(Exception):
                    run.delete_topics()
    result["load_avg_1m"].append(round(os.getloadavg()[0], 2))
    print(orjson.dumps(result).decode(), flush=True)
    return 0


def run_worker(run: Any, records: Sequence[Record], steps: Plan, inproc: InProcess) -> dict[str, Any]:
    from streams import topics as registry

    raw, observed, alerts = (run.topic(t) for t in (registry.RAW, registry.OBSERVED, registry.ALERTS))
    asyncio.run(create_topics(run.bootstrap, run.settings, [raw, observed, alerts], run.partitions))
    run.create_topics()
    log("starting the worker")
    worker = run.start_worker(timeout_s=180)
    pid = worker.process.pid
    out: dict[str, Any] = {}

    log(f"warming the worker up with {WARMUP} articles")
    asyncio.run(publish(run.bootstrap, run.settings, raw, records[:WARMUP], rate=0))
    drain(run, timeout_s=120)
    slice_ = records[WARMUP: WARMUP + steps.throughput]
    log(f"pipeline: {len(slice_)} articles at once, until detect has taken {inproc.observations} observations")
    base = (asyncio.run(end_offsets(run.bootstrap, run.settings, observed)), detect_taken(worker, observed) or 0)
    cpu_before = cpu_seconds(pid)
    began = time.perf_counter()
    asyncio.run(publish(run.bootstrap, run.settings, raw, slice_, rate=0))
    ended = wait_detected(run, worker, observed, base, inproc.observations, timeout_s=60 + len(slice_) / 2)
    worker_cpu_ms = 1000 * (cpu_seconds(pid) - cpu_before) / len(slice_)
    rate = len(slice_) / (ended - began)
    out["pipeline_articles_per_s"] = round(rate, 1)
    out["overhead_ratio"] = round(rate / inproc.articles_per_s, 3)
    out["worker_cpu_ms_per_article"] = round(worker_cpu_ms, 2)
    out["framework_ms_per_article"] = round(worker_cpu_ms - inproc.cpu_ms_per_article, 2)
    drain(run, timeout_s=120)

    offset = WARMUP + steps.throughput
    out["latency_ms"] = {}
    phases: list[tuple[str, set[str], float]] = []
    for load in steps.loads:
        per_s = 0.8 * inproc.articles_per_s if load == "max80" else float(load)
        count = min(int(per_s * steps.load_seconds), len(records) - offset)
        slice_ = records[offset: offset + count]
        offset += count
        log(f"load {load}: {count} articles at {per_s:.1f}/s")
        achieved = asyncio.run(publish(run.bootstrap, run.settings, raw, slice_, rate=per_s))
        drain(run, timeout_s=60 + count / 5)
        phases.append((load, {k.decode() for k, _ in slice_ if k}, achieved))
    read = asyncio.run(read_topics(run.bootstrap, run.settings, [raw, observed, alerts]))
    for load, ids, achieved in phases:
        out["latency_ms"][load] = {**latencies(read[raw], read[observed], read[alerts], ids),
                                   "offered_per_s": round(achieved, 1)}

    if steps.rss_articles > offset:
        rest = records[offset: steps.rss_articles]
        log(f"memory: {len(rest)} more articles at once, {steps.rss_articles} in all")
        asyncio.run(publish(run.bootstrap, run.settings, raw, rest, rate=0))
        drain(run, timeout_s=120 + len(rest) / 5)
        offset = steps.rss_articles
    out["worker_peak_rss_mb"] = peak_rss_mb(pid)
    out["rss_articles"] = offset
    return out


if __name__ == "__main__":
    sys.exit(main())
