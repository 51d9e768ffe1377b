-- Private-channel policies for the Realtime scenarios (RLS on realtime.messages, as in Supabase).
--
-- Creates (idempotently): policies letting an authenticated user read and write the private topic
-- 'room-<its JWT sub>' and nothing else. Topics of other tests are unaffected (public channels
-- don't consult realtime.messages).
DROP POLICY IF EXISTS rt_private_room_read ON realtime.messages;
CREATE POLICY rt_private_room_read ON realtime.messages FOR SELECT TO authenticated
  USING (realtime.topic() = 'room-' || (auth.jwt() ->> 'sub'));
DROP POLICY IF EXISTS rt_private_room_write ON realtime.messages;
CREATE POLICY rt_private_room_write ON realtime.messages FOR INSERT TO authenticated
  WITH CHECK (realtime.topic() = 'room-' || (auth.jwt() ->> 'sub'));
