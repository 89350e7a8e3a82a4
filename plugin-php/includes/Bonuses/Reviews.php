<?php
/**
 * Tells the service about approved product reviews.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Reconciler;
use Vafa\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * When a signed-in customer's product review is approved (by a moderator, or
 * at once because the site approves their comments), an Action Scheduler
 * job reports it with POST /v1/admin/reviews; the service grants the review
 * bonus once per product, and only for a product the customer bought. The
 * comment request never waits for the service.
 */
final class Reviews {
	const HOOK = 'vafa_report_review';
	const META = '_vafa_review';

	/**
	 * Hooks approval, approved inserts and the job.
	 */
	public static function register(): void {
		add_action( 'transition_comment_status', array( self::class, 'on_transition' ), 10, 3 );
		add_action( 'wp_insert_comment', array( self::class, 'on_insert' ), 10, 2 );
		add_action( self::HOOK, array( self::class, 'report' ), 10, 1 );
	}

	/**
	 * Whether a comment is an approved review of a product by a registered customer.
	 *
	 * @param \WP_Comment|null $comment Comment.
	 */
	public static function qualifies( $comment ): bool {
		return $comment instanceof \WP_Comment
			&& 'review' === $comment->comment_type
			&& '1' === (string) $comment->comment_approved
			&& (int) $comment->user_id > 0
			&& 'product' === get_post_type( (int) $comment->comment_post_ID );
	}

	/**
	 * A review moved to approved (from pending, spam or trash).
	 *
	 * @param string      $new_status New status.
	 * @param string      $old_status Old status.
	 * @param \WP_Comment $comment    Comment.
	 */
	public static function on_transition( $new_status, $old_status, $comment ): void {
		if ( 'approved' === $new_status && 'approved' !== $old_status && self::qualifies( $comment ) ) {
			self::queue( (int) $comment->comment_ID );
		}
	}

	/**
	 * A review inserted already approved.
	 *
	 * @param int         $id      Comment id.
	 * @param \WP_Comment $comment Comment.
	 */
	public static function on_insert( $id, $comment ): void {
		if ( self::qualifies( $comment ) ) {
			self::queue( (int) $id );
		}
	}

	/**
	 * Queues the report, once while one for that review is pending
	 * (as_has_scheduled_action compares the arguments; Action Scheduler's
	 * own "unique" flag does not, and would drop other reviews' reports).
	 *
	 * @param int $comment_id Comment id.
	 */
	public static function queue( int $comment_id ): void {
		if ( Settings::connected() && function_exists( 'as_enqueue_async_action' ) && ! as_has_scheduled_action( self::HOOK, array( $comment_id ), Reconciler::GROUP ) ) {
			as_enqueue_async_action( self::HOOK, array( $comment_id ), Reconciler::GROUP );
		}
	}

	/**
	 * The job: reports the review if it is still approved, and keeps the
	 * service's answer on the comment.
	 *
	 * @param int $comment_id Comment id.
	 * @return array<string,mixed>|null The service's answer; null when nothing was sent.
	 * @throws ApiException When the service fails (Action Scheduler records it).
	 */
	public static function report( $comment_id ): ?array {
		$comment = get_comment( (int) $comment_id );
		$client  = ApiClient::connected();
		if ( ! $client || ! self::qualifies( $comment ) ) {
			return null;
		}
		$c      = Settings::connection();
		$answer = $client->as_user(
			'POST',
			'/v1/admin/reviews',
			(string) ( $c['user_id'] ?? '0' ),
			'admin',
			array(
				'customer_id' => (int) $comment->user_id,
				'product_id'  => (int) $comment->comment_post_ID,
				'review_id'   => (int) $comment->comment_ID,
			),
			array( 'Idempotency-Key' => 'review-' . (int) $comment->comment_ID ),
			15.0
		);
		update_comment_meta(
			(int) $comment->comment_ID,
			self::META,
			array(
				'granted' => ! empty( $answer['granted'] ),
				'points'  => (int) ( $answer['points'] ?? 0 ),
				'reason'  => (string) ( $answer['reason'] ?? '' ),
				'at'      => time(),
			)
		);
		/**
		 * After the service answered for an approved review.
		 *
		 * @param int                 $comment_id Comment id.
		 * @param array<string,mixed> $answer     granted, points or reason.
		 */
		do_action( 'vafa_review_reported', (int) $comment->comment_ID, $answer );
		return $answer;
	}
}
