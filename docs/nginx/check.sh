#!/usr/bin/env bash
# What docs/deploy.md ("Checked") ran against nginx (docs/nginx/check-nginx.conf, which includes
# medmsg.conf) in front of two instances: a send, a held long-poll, an idle 30 s long-poll, an
# upload and download, and an SSE stream, then the access log showing which instance served what.
# Run it from /tmp/nx (it writes its files and reads access.log there).
set -u
SECRET=nginx-check-secret-of-at-least-32-bytes-xyz
B=http://127.0.0.1:8088
ADMIN=$(python3 /work/db-wt/bench/mint.py $SECRET admin adm 1)
PAT=$(python3 /work/db-wt/bench/mint.py $SECRET patient "nx$(date +%s)-" 1)
DOC=$(python3 /work/db-wt/bench/mint.py $SECRET doctor nxd 1)
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
echo "== admin adds doctor nxd1"
curl -s -X PUT $B/pati_service/manager_service/doctors -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"doctors":[{"doctor_id":"nxd1","name":"Dr NX","title":"t","dept":"d","hospital":"h","intro":"i","accepting":true}]}'; echo
echo "== SSE stream of the doctor, through nginx"
curl -sN -H 'Accept: text/event-stream' -H "Authorization: Bearer $DOC" $B/msg_service/msg/doctor/events > sse.txt 2>&1 &
SSE=$!
sleep 2
echo "== send (patient opens the session)"
S=$(curl -s -X POST $B/msg_service/msg/patient/send_text_msg -H "Authorization: Bearer $PAT" -H 'Content-Type: application/json' -d '{"doctor_id":"nxd1","text":"hello through nginx","client_msg_id":"nx-1"}')
echo "$S"
SID=$(echo "$S" | j 'd["data"]["session_id"]')
echo "== held long-poll of the patient (wait=30, after_seq=1), doctor answers 3 s later"
START=$(date +%s.%N)
curl -s "$B/msg_service/msg/patient/new_msg?session_id=$SID&after_seq=1&wait=30" -H "Authorization: Bearer $PAT" > poll.txt &
POLL=$!
sleep 3
for i in 1 2; do
curl -s -X POST $B/msg_service/msg/doctor/send_text_msg -H "Authorization: Bearer $DOC" -H 'Content-Type: application/json' -d "{\"session_id\":\"$SID\",\"text\":\"answer $i through nginx\"}" > /dev/null
done
wait $POLL
END=$(date +%s.%N)
echo "poll answered after $(python3 -c "print(round($END-$START,2))") s: $(cat poll.txt)"
echo "== idle long-poll with nothing new (wait=30): must end with 200 after ~30 s, not a proxy timeout"
START=$(date +%s.%N)
CODE=$(curl -s -o idle.txt -w '%{http_code}' "$B/msg_service/msg/patient/new_msg?session_id=$SID&after_seq=3&wait=30" -H "Authorization: Bearer $PAT")
END=$(date +%s.%N)
echo "status $CODE after $(python3 -c "print(round($END-$START,2))") s: $(cat idle.txt)"
echo "== upload through nginx (public-base-url), then download"
head -c 300000 /dev/urandom > blob.bin; printf '\x89PNG\r\n\x1a\n' | cat - blob.bin > f.png
SIZE=$(stat -c %s f.png); SHA=$(sha256sum f.png | cut -d' ' -f1)
PRE=$(curl -s -X POST $B/msg_service/msg/patient/file/pre_upload -H "Authorization: Bearer $PAT" -H 'Content-Type: application/json' -d "{\"file_name\":\"f.png\",\"size\":$SIZE,\"mime_type\":\"image/png\",\"sha256\":\"$SHA\"}")
URL=$(echo "$PRE" | j 'd["data"]["upload_url"]'); FID=$(echo "$PRE" | j 'd["data"]["file_id"]')
echo "upload_url: ${URL%%\?*}?..."
curl -s -o /dev/null -w 'PUT %{http_code}\n' -X PUT -H 'Content-Type: image/png' --data-binary @f.png "$URL"
ACC=$(curl -s -X POST $B/msg_service/msg/patient/file/upload_access -H "Authorization: Bearer $PAT" -H 'Content-Type: application/json' -d "{\"file_id\":\"$FID\"}")
DURL=$(echo "$ACC" | j 'd["data"]["url"]')
echo "status: $(echo "$ACC" | j 'd["data"]["status"]'), download ${DURL%%\?*}?..."
curl -s -o got.png -w 'GET %{http_code}\n' "$DURL"; cmp f.png got.png && echo "downloaded bytes equal the uploaded ones"
sleep 17
kill $SSE
echo "== SSE stream as received through nginx"
cat sse.txt
echo "== which instance served what (nginx access log)"
cat access.log
